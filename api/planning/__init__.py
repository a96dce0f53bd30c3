"""Referrals, the waitlist and "when can they start?": routes, schemas and the CLI."""
