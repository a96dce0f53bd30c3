"""Operating the service: backups, logs."""
