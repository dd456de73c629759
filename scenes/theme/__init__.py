"""The lecture's one look, split by concern; scenes import from the module they need.

- :mod:`scenes.theme.palette`: colours with fixed meanings, font sizes, the safe area.
- :mod:`scenes.theme.base`: :class:`LectureScene` (parameters, result, narration) and
  :class:`Sweep` (a cursor over checkpoints).
- :mod:`scenes.theme.panel`: the header, the one number panel (live, fixed, huge, infinite and
  TeX rows), labels backed to read on pictures.
- :mod:`scenes.theme.plots`: the plot builders (``make_axes``, ``make_plot`` with a
  :class:`~scenes.theme.shapes.Window` mapping data to screen), ticks, curves, bands,
  histograms, legends, and :func:`~scenes.theme.plots.follow`, the one way a drawn value
  moves (driven by a :class:`Sweep`).
- :mod:`scenes.theme.labels`: the one label placer and its one overlap test.
- :mod:`scenes.theme.numbers`: the one number formatter (panels, ticks, captions).
- :mod:`scenes.theme.dashes`: one dash style per meaning, measured on screen.
- :mod:`scenes.theme.shapes`: dot clouds, segments, the one rectangle path, a window and a
  view of the plane with its grid, heat maps.
- :mod:`scenes.theme.layout`: pure arithmetic of ticks, ranges and label placement.
"""
