"""Calendar feeds a phone can subscribe to: one secret URL per patient or session, no header."""
