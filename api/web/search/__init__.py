"""Finding a patient from the page header."""
