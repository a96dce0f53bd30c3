"""Privacy over HTTP and the CLI: erasing a patient."""
