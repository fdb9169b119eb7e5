"""The casebook pipeline: the project's folders of case files, data and notebooks (layer 5).

Owns the project layout and notebook execution (:mod:`notebooks`), dataset snapshots (:mod:`datasets`),
the catalogue and ``nogo check`` (:mod:`catalogue`), and the static casebook (:mod:`site`).

May import: practice, cases, charts, the decision models, :mod:`nogo.errors`, :mod:`nogo._validate`,
:mod:`nogo.formatting`. Never the app.
"""
