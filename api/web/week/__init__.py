"""The coordinator's week page: the week by day and meeting, or by patient, with its filters."""
