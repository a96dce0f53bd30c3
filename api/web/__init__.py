"""The coordinator web page: server-rendered HTML from the same app, same tokens and roles."""
