"""Privacy use cases: erasing a patient's personal fields (crypto-shredding)."""
