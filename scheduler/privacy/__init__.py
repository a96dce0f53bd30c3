"""Privacy use cases: erasing a patient (crypto-shredding), consent to disclose, and the
append-only disclosure log."""
