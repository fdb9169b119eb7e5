"""Charts: the house theme and the builders that return ``alt.Chart`` (layer 2).

Every builder takes tidy frames and returns an ``altair.Chart``; :func:`setup` registers the theme and an
offline renderer once per notebook; :mod:`nogo.charts.display` is the notebook set-up that also makes
every table safe from JupyterLab's maths typesetting.

May import: the decision models (:mod:`nogo.models`), :mod:`nogo.errors`, :mod:`nogo._validate`,
:mod:`nogo.formatting`. Never cases, practice, the casebook pipeline or the app.
"""

from nogo.charts.builders import (
    ACTION_COLOURS,
    LEVEL_COLOURS,
    THEME,
    cost_curve,
    fan_chart,
    impact_grid_chart,
    queue_wait,
    reliability_diagram,
    selection_rates_chart,
    setup,
    three_way_regions,
    tornado,
)

__all__ = [
    "ACTION_COLOURS",
    "LEVEL_COLOURS",
    "THEME",
    "cost_curve",
    "fan_chart",
    "impact_grid_chart",
    "queue_wait",
    "reliability_diagram",
    "selection_rates_chart",
    "setup",
    "three_way_regions",
    "tornado",
]
