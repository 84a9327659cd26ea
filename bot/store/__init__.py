"""State in Redis: the server connection and the one module that knows the key layout."""
