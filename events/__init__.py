"""Stepdown's domain: aggregates, their events, and the event-sourced application."""
