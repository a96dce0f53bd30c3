"""Finding a patient by part of their name or id."""
