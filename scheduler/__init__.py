"""Stepdown's use cases, read models and import/export, over the event store."""
