"""Charts: the house theme and the builders that return ``alt.Chart`` (layer 2).

Every builder (:mod:`nogo.charts.builders`) takes tidy frames and returns an ``altair.Chart``;
:mod:`nogo.charts.theme` holds the palette, and :func:`setup` registers the theme and an offline renderer
once per notebook; :mod:`nogo.charts.display` is the notebook set-up that also makes
every table safe from JupyterLab's maths typesetting.

May import: the decision models (:mod:`nogo.models`), :mod:`nogo.errors`, :mod:`nogo._validate`,
:mod:`nogo.formatting`. Never cases, practice, the casebook pipeline or the app.
"""

from nogo.charts.builders import (
    cost_curve,
    fan_chart,
    impact_grid_chart,
    queue_wait,
    reliability_diagram,
    selection_rates_chart,
    three_way_regions,
    tornado,
)
from nogo.charts.theme import ACTION_COLOURS, LEVEL_COLOURS, THEME, setup
from nogo.charts.track_record import calibration_chart, regret_chart

__all__ = [
    "ACTION_COLOURS",
    "LEVEL_COLOURS",
    "THEME",
    "calibration_chart",
    "cost_curve",
    "fan_chart",
    "impact_grid_chart",
    "queue_wait",
    "regret_chart",
    "reliability_diagram",
    "selection_rates_chart",
    "setup",
    "three_way_regions",
    "tornado",
]
