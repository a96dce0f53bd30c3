"""Request and response models of the HTTP API (`ThingCreate` in, `ThingPublic` out)."""
