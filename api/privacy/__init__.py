"""Privacy over HTTP and the CLI: erasing a patient, consents, the disclosure log, auditing reads."""
