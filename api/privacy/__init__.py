"""Privacy over HTTP and the CLI: consents, the disclosure log, and auditing each read."""
