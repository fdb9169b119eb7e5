"""Decision models: the arithmetic every case is built from (layer 1, the bottom).

Owns the cost of error (:mod:`costs`), thresholds and the three-way policy (:mod:`cutoffs` on ``p``;
:mod:`thresholds` on a decision log, checked and sorted by :mod:`decision_log` and searched by
:mod:`threshold_search`; :mod:`policy_model`, :mod:`policy_optimum`), calibration, statistics and the
bootstrap, escalation queues, autonomy rules and kill switches, dynamics and drift, fairness,
quiet-failure metrics (:mod:`metrics`, :mod:`quiet_failure_log`, :mod:`release_test`), unit economics,
amortisation, the Agent Impact Contract and synthetic example logs.

May import: :mod:`nogo.errors`, :mod:`nogo._validate`, :mod:`nogo.formatting`, and other modules of this
layer. Never charts, cases, practice, the casebook pipeline or the app.
"""
