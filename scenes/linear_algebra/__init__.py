"""Section 3 (D.3): a matrix turns the unit circle into an ellipse; its semi-axes are the
singular values, their largest the spectral norm and their ratio the condition number."""
