"""Staff, rooms and absences: the import records, use cases, read model and the staff week."""
