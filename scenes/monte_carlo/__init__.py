"""Section 1 (D.1): Monte Carlo estimates converge, slowly, and rarely miss by much."""
