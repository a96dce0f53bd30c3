"""Privacy of substance-use treatment records: consent to disclose (42 CFR Part 2)."""
