"""Cancelled meetings: where a cancellation moved each patient, whom to call, and its undo."""
