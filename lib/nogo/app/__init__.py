"""The app: what a person runs (layer 6, the top).

Owns the ``nogo`` command line (:mod:`cli`), coaching sessions and serving them (:mod:`coach`), and
session reports (:mod:`report`).

May import: every layer below.
"""
