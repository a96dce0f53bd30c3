"""Privacy in the event store (42 CFR Part 2): the store's encryption marker, per-patient keys,
erasure, and consent to disclose."""
