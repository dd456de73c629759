"""The lecture's one look, split by concern; scenes import from the module they need.

- :mod:`scenes.theme.palette`: colours with fixed meanings, font sizes, the safe area.
- :mod:`scenes.theme.base`: :class:`LectureScene` (parameters, result, narration) and
  :class:`Sweep` (a cursor over checkpoints).
- :mod:`scenes.theme.panel`: the header, the number panel, labels backed to read on pictures.
- :mod:`scenes.theme.plots`: the plot box and axes, curves, bands, histograms, legends, and
  :func:`~scenes.theme.plots.follow`, the one way a drawn value moves.
- :mod:`scenes.theme.numbers`: the one number formatter (panels, ticks, captions).
- :mod:`scenes.theme.dashes`: one dash style per meaning, measured on screen.
- :mod:`scenes.theme.shapes`: dot clouds, segments, a view of the plane, heat maps.
- :mod:`scenes.theme.layout`: pure arithmetic of ticks, ranges and label placement.
"""
