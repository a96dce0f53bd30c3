"""Privacy use cases: consent to disclose and the append-only disclosure log."""
