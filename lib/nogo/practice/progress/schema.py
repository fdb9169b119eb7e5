"""The progress file: where it lives, its schema versions and the migrations between them.

:data:`MIGRATIONS` is the one place a store's schema changes: ``MIGRATIONS[v]`` takes a file from
version ``v`` to ``v + 1`` inside one ``BEGIN IMMEDIATE`` transaction (:class:`nogo.ProgressStore` runs
them at open). When item or attempt identifiers change, the step that rewrites them is appended here,
and ``tests/unit/test_progress_migration.py`` proves that a store written by older code keeps every
attempt.

Examples
--------
>>> SCHEMA_VERSION == len(MIGRATIONS)
True
"""

from __future__ import annotations

import os
from pathlib import Path

from nogo.errors import NogoError

__all__ = [
    "APPLICATION_ID",
    "ENV_VAR",
    "FILE_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ProgressStoreError",
    "ProgressStoreWarning",
    "progress_path",
]

APPLICATION_ID = 0x4E6F476F
"""``PRAGMA application_id`` of a No-Go progress store: the ASCII bytes ``NoGo``."""
FILE_NAME = "progress.sqlite3"
ENV_VAR = "NOGO_DATA_DIR"

_SCHEMA_V1: tuple[str, ...] = (
    """CREATE TABLE attempts (
        attempt_id INTEGER PRIMARY KEY, learner TEXT NOT NULL, case_id TEXT NOT NULL,
        variant_seed INTEGER NOT NULL, drill TEXT NOT NULL CHECK (drill IN ('stream', 'policy', 'launch')),
        item TEXT NOT NULL, choice TEXT NOT NULL, cost_usd REAL NOT NULL CHECK (cost_usd >= 0),
        optimal_choice TEXT NOT NULL, optimal_cost_usd REAL NOT NULL CHECK (optimal_cost_usd >= 0),
        time_taken_seconds REAL NOT NULL CHECK (time_taken_seconds >= 0), timestamp_utc TEXT NOT NULL)""",
)
_SCHEMA_V2: tuple[str, ...] = (
    "ALTER TABLE attempts ADD COLUMN session_id TEXT",
    """CREATE TABLE rubric_marks (
        mark_id INTEGER PRIMARY KEY, learner TEXT NOT NULL, case_id TEXT NOT NULL,
        variant_seed INTEGER NOT NULL, session_id TEXT, attempt_id INTEGER REFERENCES attempts (attempt_id),
        dimension TEXT NOT NULL, score REAL NOT NULL,
        scale_max REAL NOT NULL CHECK (scale_max > 0 AND score >= 0 AND score <= scale_max),
        comment TEXT NOT NULL, marked_by TEXT NOT NULL, timestamp_utc TEXT NOT NULL)""",
    "CREATE INDEX attempts_by_learner ON attempts (learner, case_id, timestamp_utc)",
    "CREATE INDEX rubric_marks_by_learner ON rubric_marks (learner, case_id, timestamp_utc)",
)
_V2_COLUMNS = (
    "attempt_id, learner, case_id, variant_seed, drill, item, choice, cost_usd, optimal_choice, "
    "optimal_cost_usd, time_taken_seconds, timestamp_utc, session_id"
)
_SCHEMA_V3: tuple[str, ...] = (
    # SQLite cannot change a CHECK in place: build the new table, copy every row with its id, swap
    # (the documented procedure; the store runs it with foreign keys off and checks them after).
    """CREATE TABLE attempts_v3 (
        attempt_id INTEGER PRIMARY KEY, learner TEXT NOT NULL, case_id TEXT NOT NULL,
        variant_seed INTEGER NOT NULL,
        drill TEXT NOT NULL
            CHECK (drill IN ('stream', 'policy', 'launch', 'commit', 'premortem', 'signature')),
        item TEXT NOT NULL, choice TEXT NOT NULL, cost_usd REAL NOT NULL CHECK (cost_usd >= 0),
        optimal_choice TEXT NOT NULL, optimal_cost_usd REAL NOT NULL CHECK (optimal_cost_usd >= 0),
        time_taken_seconds REAL NOT NULL CHECK (time_taken_seconds >= 0), timestamp_utc TEXT NOT NULL,
        session_id TEXT,
        confidence REAL CHECK (confidence IS NULL OR (confidence >= 0 AND confidence <= 1)),
        score REAL, justification TEXT)""",
    f"INSERT INTO attempts_v3 ({_V2_COLUMNS}) SELECT {_V2_COLUMNS} FROM attempts ORDER BY attempt_id",
    "DROP TABLE attempts",
    "ALTER TABLE attempts_v3 RENAME TO attempts",
    "CREATE INDEX attempts_by_learner ON attempts (learner, case_id, timestamp_utc)",
)
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3)
"""``MIGRATIONS[v]`` takes a file from schema version ``v`` to ``v + 1`` (version 0: an empty file).

Version 1, the first schema, holds attempts only; version 2 adds ``attempts.session_id``, the
``rubric_marks`` table and indexes by learner; version 3 admits the drills ``commit``, ``premortem``
and ``signature`` and adds ``attempts.confidence`` (the stated chance of being right, 0 to 1),
``attempts.score`` (a drill's score on its own scale when that is not dollars: the pre-mortem's rank
correlation) and ``attempts.justification`` (what the learner wrote), all empty on older attempts.
Never edit a shipped step: append a new one.
"""
SCHEMA_VERSION = len(MIGRATIONS)


class ProgressStoreError(NogoError):
    """The progress file cannot be used: not SQLite, another application's, corrupt, too new, locked."""


class ProgressStoreWarning(UserWarning):
    """A store was opened read-only because it cannot be written: answers will not be saved."""


def progress_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Where the progress store lives: ``path``, else ``$NOGO_DATA_DIR``, else the user data directory.

    A ``path`` that is an existing directory gets :data:`FILE_NAME` appended; so does the environment
    variable, which names a directory. An empty variable counts as unset.

    Examples
    --------
    >>> progress_path("/tmp/mine.sqlite3").name
    'mine.sqlite3'
    """
    if path is not None:
        p = Path(path).expanduser().absolute()
        return p / FILE_NAME if p.is_dir() else p
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser().absolute() / FILE_NAME
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs ships with Jupyter
        return Path.home() / ".local" / "share" / "nogo" / FILE_NAME
    return Path(platformdirs.user_data_path("nogo")) / FILE_NAME
