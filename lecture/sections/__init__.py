"""One module per lecture section: each scene's parameters and how to compute its numbers."""
