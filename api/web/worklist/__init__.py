"""The coordinator's worklist page."""
