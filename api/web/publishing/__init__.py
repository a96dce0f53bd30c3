"""Publishing a week's roster from the page: first what it changes, then the publish."""
