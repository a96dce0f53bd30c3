"""Read models that follow the event store's notification log, each event applied exactly once."""
