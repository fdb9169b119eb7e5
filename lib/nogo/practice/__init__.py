"""Practice: the drills that train the call, and the learner's track record (layer 4).

Owns the decision stream, the policy drill, the launch call, the mock interview and the progress store.
Each drill is a thin widget over pure scoring functions; :mod:`nogo.practice.live` is what every drill's
widget shares (its live status line, its saved fallback, the record of an attempt).

May import: cases, charts, the decision models, :mod:`nogo.errors`, :mod:`nogo._validate`,
:mod:`nogo.formatting`. Never the casebook pipeline or the app.
"""
