"""Privacy in the event store: the store's encryption marker, per-patient keys and erasure."""
