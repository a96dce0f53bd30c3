"""Input hygiene shared by every entry point: the import file, the API, the page and the CLI."""
