"""Cases: what a case is, and how its decision log is built (layer 3).

Owns the case file's schema and parser (:mod:`casefile`), the case interface every case implements, the
generic segment generator for cases that need no code, and one module per case with real mechanics, named
by its id (``loan-steering`` is :mod:`loan_steering`).

May import: the decision models, charts, :mod:`nogo.errors`, :mod:`nogo._validate`,
:mod:`nogo.formatting`. Never practice, the casebook pipeline or the app.
"""
