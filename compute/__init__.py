"""The numbers behind every clip: pure NumPy/SciPy/torch functions, no Manim.

Each section has a module whose functions take plain values (and a seed) and return a
frozen dataclass of arrays. Its fields are the clip's keyframes unless marked
:func:`compute.results.internal` (data a scene needs, such as raw samples, that does not
belong in the sidecar).
"""
