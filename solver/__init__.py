"""Pure solving over frozen dataclasses (OR-Tools CP-SAT); imports no eventsourcing or FastAPI."""
