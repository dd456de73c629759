"""Section 4 (D.4): slopes and curvature by autograd, and why curvature comes as H v."""
