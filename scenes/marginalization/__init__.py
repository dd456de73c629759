"""Section 5 (D.5): a joint density, its shadows on each axis and its slices."""
