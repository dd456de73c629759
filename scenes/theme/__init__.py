"""The lecture's one look, split by concern; scenes import from the module they need.

- :mod:`scenes.theme.palette`: colours with fixed meanings, font sizes, the safe area.
- :mod:`scenes.theme.base`: :class:`LectureScene` (parameters, result, narration) and
  :class:`Sweep` (a cursor over checkpoints).
- :mod:`scenes.theme.panel`: the header and the number panel.
- :mod:`scenes.theme.plots`: axes, curves, bands, histograms, legends.
- :mod:`scenes.theme.shapes`: dot clouds, segments, a view of the plane, heat maps.
- :mod:`scenes.theme.layout`: pure arithmetic of ticks, ranges and label placement.
"""
