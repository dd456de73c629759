"""Section 2 (D.2): a density moves with its samples and is rescaled by the stretch."""
