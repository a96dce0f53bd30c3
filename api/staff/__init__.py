"""Staff routes and CLI: the list, one member, absences, primary counsellors, the staff week."""
