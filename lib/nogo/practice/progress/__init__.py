"""The progress store: every practice answer and rubric mark, kept in an embedded SQLite file.

Where it lives: the ``path`` argument if given (a file, or a directory to hold ``progress.sqlite3``), else
``$NOGO_DATA_DIR/progress.sqlite3``, else ``progress.sqlite3`` in the per-user data directory
(``platformdirs.user_data_path("nogo")`` when platformdirs is installed, ``~/.local/share/nogo``
otherwise). ``":memory:"`` gives a throw-away store for examples and tests.

Durability and concurrency. Each :meth:`ProgressStore.record_attempt` is one committed transaction
before it returns. The file is in WAL mode with ``synchronous=FULL``: WAL alone makes a commit survive
the process being killed (the frames are in the operating system's cache), and FULL also syncs the WAL
to disk at each commit, so an answer survives an OS crash or a power cut too. The price is one fsync
per answer (about 1 ms measured on a local disk), nothing at the pace a person answers. Writers take
the write lock up front (``BEGIN IMMEDIATE``) and wait up to ``timeout`` seconds for each other, so two
kernels can write to the same file at once (waiting is not fair: a writer in a tight loop can hold off
another for the length of its loop, harmless at human pace). WAL needs a local file system (not a
network share).

Safety of the file. The store refuses, with an error naming the path, a file that is not SQLite, an
SQLite database of another application (its ``application_id`` is not No-Go's, or it has tables of its
own), a corrupt database (``PRAGMA quick_check`` at open, so it fails before a session, not during
one), and a schema newer than this code. It never writes to, moves or deletes such a file, and an
up-to-date store is not written to until something is recorded. Schema versions live in
``PRAGMA user_version``; :data:`MIGRATIONS` upgrades an older file inside one ``BEGIN IMMEDIATE``
transaction, so two processes opening an old file at once migrate it once.

Reading without writing. A store whose file or folder cannot be written (a shared, read-only folder)
is still read: when opening it for writing fails for want of permission, the store reopens it
read-only with a :class:`ProgressStoreWarning` (so a notebook that meant to save answers says at once
that it cannot; ``read_only=True`` asks for reading up front, with no warning) and refuses to record,
with an error naming the path. A WAL database keeps its lock index in a ``-shm`` file beside it,
which a reader must normally be able to create, so a read-only open tries SQLite's ``mode=ro`` first
(it uses existing ``-wal`` and ``-shm`` files, so it sees answers a live writer has not checkpointed
yet); only when that fails and there is no write-ahead log with content (every committed answer is
then in the main file) does it open the file as ``immutable``, which needs no ``-shm``. A read-only
store never migrates an older schema.

Spaced repetition: see :func:`schedule_reviews`.
"""

from nogo.cases.casefile import RUBRIC_DIMENSIONS  # the interview rubric's four dimensions
from nogo.practice.progress.attempt import DRILLS, Attempt
from nogo.practice.progress.reviews import schedule_reviews
from nogo.practice.progress.schema import (
    APPLICATION_ID,
    ENV_VAR,
    FILE_NAME,
    MIGRATIONS,
    SCHEMA_VERSION,
    ProgressStoreError,
    ProgressStoreWarning,
    progress_path,
)
from nogo.practice.progress.store import ProgressStore

__all__ = [
    "APPLICATION_ID",
    "DRILLS",
    "ENV_VAR",
    "FILE_NAME",
    "MIGRATIONS",
    "RUBRIC_DIMENSIONS",
    "SCHEMA_VERSION",
    "Attempt",
    "ProgressStore",
    "ProgressStoreError",
    "ProgressStoreWarning",
    "progress_path",
    "schedule_reviews",
]
