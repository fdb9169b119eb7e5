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

from __future__ import annotations

import math
import operator
import os
import re
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.casefile import RUBRIC_DIMENSIONS  # the interview rubric's four dimensions
from nogo.errors import InputError, NogoError, check_choice

__all__ = [
    "APPLICATION_ID",
    "DRILLS",
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

APPLICATION_ID = 0x4E6F476F
"""``PRAGMA application_id`` of a No-Go progress store: the ASCII bytes ``NoGo``."""
DRILLS: tuple[str, ...] = ("stream", "policy", "launch")
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
MIGRATIONS: tuple[tuple[str, ...], ...] = (_SCHEMA_V1, _SCHEMA_V2)
"""``MIGRATIONS[v]`` takes a file from schema version ``v`` to ``v + 1`` (version 0: an empty file).

Version 1, the first schema, holds attempts only; version 2 adds ``attempts.session_id``, the
``rubric_marks`` table and indexes by learner. Never edit a shipped step: append a new one.
"""
SCHEMA_VERSION = len(MIGRATIONS)

_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_EXPONENT = 16  # intervals stop doubling at 2**16 base intervals (about 180 years: retired)
_ATTEMPT_COLUMNS = [
    "attempt_id", "learner", "case_id", "variant_seed", "drill", "item", "choice", "cost_usd",
    "optimal_choice", "optimal_cost_usd", "time_taken_seconds", "timestamp_utc", "session_id",
]  # fmt: skip
_MARK_COLUMNS = [
    "mark_id", "learner", "case_id", "variant_seed", "session_id", "attempt_id", "dimension", "score",
    "scale_max", "comment", "marked_by", "timestamp_utc",
]  # fmt: skip
_KEY = ["learner", "case_id", "variant_seed", "drill", "item"]


class ProgressStoreError(NogoError):
    """The progress file cannot be used: not SQLite, another application's, corrupt, too new, locked."""


class ProgressStoreWarning(UserWarning):
    """A store was opened read-only because it cannot be written: answers will not be saved."""


def _utc_now() -> datetime:
    return datetime.now(UTC)


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


@dataclass(frozen=True)
class Attempt:
    """One answer in a drill. Costs are what the choice cost and what the optimal choice would have.

    ``regret_usd = cost_usd - optimal_cost_usd`` may be negative when a realised outcome made the
    learner's choice cheaper than the expected-cost-optimal one. ``timestamp`` must be timezone-aware
    (``None``: the store's clock).
    """

    learner: str
    case_id: str
    variant_seed: int
    drill: str
    item: str
    choice: str
    cost_usd: float
    optimal_choice: str
    optimal_cost_usd: float
    time_taken_seconds: float
    timestamp: datetime | None = None
    session_id: str | None = None


def _text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name}: expected a non-empty string, got {value!r}")
    return value


def _slug(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise InputError(f"{name}: expected a kebab-case case id such as 'loan-steering', got {value!r}")
    return value


def _seed(name: str, value: Any) -> int:
    try:
        seed = operator.index(value)
    except TypeError:
        seed = -1
    if isinstance(value, bool) or not 0 <= seed < 2**63:
        raise InputError(f"{name}: expected an integer in [0, 2**63), got {value!r}")
    return seed


def _number(name: str, value: Any, *, upper: float = math.inf, positive: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x) or not (0 < x if positive else 0 <= x) or x > upper:
        bound = "> 0" if positive else ">= 0"
        upto = f" and <= {upper}" if upper < math.inf else ""
        raise InputError(f"{name}: expected a finite number {bound}{upto}, got {value!r}")
    return x


def _timestamp(name: str, value: Any) -> str:
    if not isinstance(value, datetime) or value is pd.NaT or value.utcoffset() is None:
        raise InputError(f"{name}: expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC).strftime(_TS_FORMAT)


def _now(name: str, value: Any) -> pd.Timestamp:
    _timestamp(name, value)
    return pd.Timestamp(value).tz_convert("UTC")


_ATTEMPT_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "learner": _text, "case_id": _slug, "variant_seed": _seed,
    "drill": lambda name, value: check_choice(name, value, DRILLS), "item": _text, "choice": _text,
    "cost_usd": _number, "optimal_choice": _text, "optimal_cost_usd": _number, "time_taken_seconds": _number,
}  # fmt: skip
_IDENTIFY = (
    "SELECT (SELECT application_id FROM pragma_application_id),"
    " (SELECT user_version FROM pragma_user_version),"
    " (SELECT group_concat(name, char(31)) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')"
)


def _identify(conn: sqlite3.Connection, where: Path | str) -> int:
    """The schema version of a No-Go store (0: empty, usable), or raise: foreign, newer."""
    app_id, version, names = conn.execute(_IDENTIFY).fetchone()  # one statement: one consistent snapshot
    tables = names.split("\x1f") if names else []
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise ProgressStoreError(
                f"{where}: progress store schema version {version} was written by a newer nogo "
                f"(this one reads up to version {SCHEMA_VERSION}); upgrade nogo. The file was left untouched."
            )
        return version
    if app_id == 0 and version == 0 and not tables:
        return 0
    raise ProgressStoreError(
        f"{where}: not a No-Go progress store but an SQLite database of another application "
        f"(application_id {app_id:#010x}, user_version {version}, tables: {', '.join(tables) or 'none'}). "
        f"It was left untouched; pass another path or set {ENV_VAR}."
    )


def _set_wal(conn: sqlite3.Connection, timeout: float) -> str:
    """Switch to WAL. The switch can fail "locked" without waiting while another process opens the
    file, so retry with backoff until ``timeout``; a file already in WAL mode needs no lock."""
    deadline, pause = time.monotonic() + timeout, 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.25)


@contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: take the write lock first (waiting up to the timeout), commit or roll back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def _sqlite_errors(path: Path | str, doing: str) -> Iterator[None]:
    """Turn sqlite3 errors into :class:`ProgressStoreError` naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "malformed" in text or "not a database" in text:
            raise ProgressStoreError(
                f"{path}: the progress store is corrupt ({text}). It was left untouched; move it aside, "
                f"pass another path or set {ENV_VAR}."
            ) from exc
        raise ProgressStoreError(f"{path}: could not {doing} the progress store ({text})") from exc


_NO_PERMISSION = ("readonly database", "unable to open database file", "attempt to write a readonly")


def _for_want_of_permission(exc: BaseException) -> bool:
    """Whether opening for writing failed because the file or its folder cannot be written."""
    cause = exc.__cause__ if isinstance(exc, ProgressStoreError) else exc
    return isinstance(cause, sqlite3.OperationalError) and any(t in str(cause) for t in _NO_PERMISSION)


def _connect_read_only(path: Path, timeout: float) -> tuple[sqlite3.Connection, str]:
    """A read-only connection: ``mode=ro`` (sees the -wal), else ``immutable`` when no -wal has content."""
    uri = path.absolute().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
    try:
        conn.execute(_IDENTIFY).fetchone()
        return conn, "mode=ro"
    except sqlite3.OperationalError as exc:
        conn.close()
        if not _for_want_of_permission(exc):
            raise
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ProgressStoreError(
                f"{path}: cannot read the progress store read-only: its write-ahead log {wal.name} holds "
                f"answers not yet in the main file, and reading them needs {path.parent} to be writable "
                f"(or its {path.name}-shm file to exist) ({exc}). The files were left untouched."
            ) from exc
    # No -wal content: the main file holds every committed answer, and nothing can write it here.
    conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, isolation_level=None)
    return conn, "immutable"


def _check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite opens it (an empty file is a new store)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ProgressStoreError(f"{path}: cannot read the progress store ({exc})") from None
    if head and head != b"SQLite format 3\x00":
        raise ProgressStoreError(
            f"{path}: not a No-Go progress store: the file is not an SQLite database (it does not start with "
            f"the SQLite header). It was left untouched; move it aside, pass another path or set {ENV_VAR}."
        )


class ProgressStore:
    """A learner's practice history: attempts and rubric marks in one SQLite file.

    Parameters
    ----------
    path
        The file (see :func:`progress_path`), or ``":memory:"``.
    timeout
        Seconds to wait for another process holding the write lock before failing.
    clock
        Returns the current time (timezone-aware); injectable for tests.
    read_only
        ``True``: only read an existing store, never create or write anything (recording raises).
        ``None`` (default): read and write, but fall back to reading when the file or its folder cannot
        be written. ``False``: read and write, or fail. :attr:`read_only` says which it is.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> with ProgressStore(":memory:") as store:
    ...     store.record_attempt(learner="ana", case_id="loan-steering", variant_seed=7, drill="stream",
    ...         item="decision-3", choice="act", cost_usd=120.0, optimal_choice="escalate",
    ...         optimal_cost_usd=15.0, time_taken_seconds=9.5,
    ...         timestamp=datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc))
    ...     store.attempts()[["item", "regret_usd", "correct"]].to_dict("records")
    1
    [{'item': 'decision-3', 'regret_usd': 105.0, 'correct': False}]
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = _utc_now,
        read_only: bool | None = None,
    ) -> None:
        self.clock, self._timeout = clock, float(timeout)
        if read_only not in (None, True, False):
            raise InputError(f"read_only: expected True, False or None, got {read_only!r}")
        self.read_only = False
        """Whether the store was opened read-only (asked for, or because it cannot be written)."""
        self.read_only_reason = ""
        if path is not None and os.fspath(path) == ":memory:":
            if read_only:
                raise InputError("read_only: a ':memory:' store starts empty, so there is nothing to read")
            self.path: Path | str = ":memory:"
        else:
            self.path = progress_path(path)
            _check_header(self.path)
            if read_only:
                self._open_read_only("read_only=True was asked for")
                return
            if read_only is None and self.path.is_file() and not os.access(self.path, os.W_OK):
                # SQLite would quietly open it read-only anyway; say so, and refuse writes up front.
                self._fall_back_to_reading("the file cannot be written")
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ProgressStoreError(f"{self.path}: cannot create its directory ({exc})") from None
        with _sqlite_errors(self.path, "open"):
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        try:
            self._open()
        except ProgressStoreError as exc:
            self._conn.close()
            if read_only is None and isinstance(self.path, Path) and self.path.exists():
                if _for_want_of_permission(exc):
                    self._fall_back_to_reading(f"it cannot be written: {exc.__cause__}")
                    return
            raise
        except BaseException:
            self._conn.close()
            raise

    def _fall_back_to_reading(self, reason: str) -> None:
        self._open_read_only(reason)
        warnings.warn(
            f"{self.path}: opened read-only ({reason}), so answers and marks cannot be saved to it; "
            f"set {ENV_VAR} to a writable folder to save them, or pass read_only=True to only read",
            ProgressStoreWarning,
            stacklevel=3,
        )

    def _open_read_only(self, reason: str) -> None:
        path = self.path
        assert isinstance(path, Path)
        if not path.is_file():
            raise ProgressStoreError(f"{path}: no progress store to read (read-only: nothing was created)")
        with _sqlite_errors(path, "open (read-only)"):
            self._conn, how = _connect_read_only(path, self._timeout)
        try:
            with _sqlite_errors(path, "open (read-only)"):
                version = _identify(self._conn, path)
                problems = [r[0] for r in self._conn.execute("PRAGMA quick_check(3)")]
                if problems != ["ok"]:
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(problems)}")
                if version != SCHEMA_VERSION:
                    raise ProgressStoreError(
                        f"{path}: opened read-only ({reason}), but its schema version {version} needs an "
                        f"upgrade to version {SCHEMA_VERSION} that a reader may not make; open it once for "
                        "writing (where its folder is writable). The file was left untouched."
                    )
                self.journal_mode = str(self._conn.execute("PRAGMA journal_mode").fetchone()[0])
        except BaseException:
            self._conn.close()
            raise
        self.read_only, self.read_only_reason = True, f"{reason}; read through SQLite {how}"

    def _open(self) -> None:
        conn = self._conn
        with _sqlite_errors(self.path, "open"):
            # read only until the file is known to be ours, intact and not too new
            version = _identify(conn, self.path)
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(problems)}")
            self.journal_mode = _set_wal(conn, self._timeout)
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            if version == SCHEMA_VERSION:
                return
            with _immediate(conn):
                version = _identify(conn, self.path)  # again, under the write lock
                if version == 0:
                    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                for statement in (st for step in MIGRATIONS[version:] for st in step):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        """Close the connection (everything recorded is already committed)."""
        self._conn.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = ", read_only=True" if self.read_only else ""
        return f"ProgressStore({str(self.path)!r}{mode})"

    @property
    def schema_version(self) -> int:
        """The file's schema version (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        if self.read_only:
            raise ProgressStoreError(
                f"{self.path}: the progress store was opened read-only ({self.read_only_reason}); "
                "nothing was recorded"
            )
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        with _sqlite_errors(self.path, f"write {table} to"), _immediate(self._conn):
            rowid = self._conn.execute(sql, tuple(row.values())).lastrowid
        return int(rowid)

    def record_attempt(self, attempt: Attempt | None = None, /, **fields_: Any) -> int:
        """Validate and commit one answer (an :class:`Attempt`, or its fields as keywords); return its id.

        Raises :class:`~nogo.errors.InputError` naming the first bad field. The attempt is committed
        (and synced) before this returns.

        Examples
        --------
        >>> from datetime import datetime, timezone
        >>> store = ProgressStore(":memory:", clock=lambda: datetime(2026, 11, 2, tzinfo=timezone.utc))
        >>> store.record_attempt(Attempt("ana", "loan-steering", 7, "launch", "launch-call", "no-go",
        ...     0.0, "no-go", 0.0, 240.0))
        1
        """
        if attempt is None:
            names = [f.name for f in fields(Attempt)]
            for name in [*fields_, *names[:10]]:  # unknown fields first, then the ten required ones
                if name not in names or name not in fields_:
                    problem = "not an attempt field" if name not in names else "missing"
                    raise InputError(f"{name}: {problem}; an attempt has fields {', '.join(names)}")
            attempt = Attempt(**fields_)
        elif fields_:
            raise InputError(f"{next(iter(fields_))}: pass an Attempt or keyword fields, not both")
        a = asdict(attempt)
        row = {name: check(name, a[name]) for name, check in _ATTEMPT_CHECKS.items()}
        row["timestamp_utc"] = _timestamp("timestamp", a["timestamp"] or self.clock())
        row["session_id"] = None if a["session_id"] is None else _text("session_id", a["session_id"])
        return self._insert("attempts", row)

    def record_rubric(
        self,
        learner: str,
        case_id: str,
        variant_seed: int,
        dimension: str,
        score: float,
        scale_max: float,
        comment: str = "",
        marked_by: str = "coach",
        *,
        attempt_id: int | None = None,
        session_id: str | None = None,
        timestamp: datetime | None = None,
    ) -> int:
        """Commit a coach's mark on one rubric dimension (``0 <= score <= scale_max``); return its id.

        ``attempt_id``, if given, must be an attempt of the same learner, case and variant.

        Examples
        --------
        >>> store = ProgressStore(":memory:")
        >>> store.record_rubric("ana", "loan-steering", 7, "escalation_design", 3, 4, "clear owner")
        1
        >>> store.rubric_marks()["score_share"].tolist()
        [0.75]
        """
        scale = _number("scale_max", scale_max, positive=True)
        row = {
            "learner": _text("learner", learner),
            "case_id": _slug("case_id", case_id),
            "variant_seed": _seed("variant_seed", variant_seed),
            "session_id": None if session_id is None else _text("session_id", session_id),
            "attempt_id": None if attempt_id is None else _seed("attempt_id", attempt_id),
            "dimension": check_choice("dimension", dimension, RUBRIC_DIMENSIONS),
            "score": _number("score", score, upper=scale),
            "scale_max": scale,
            "comment": comment if isinstance(comment, str) else _text("comment", comment),
            "marked_by": _text("marked_by", marked_by),
            "timestamp_utc": _timestamp("timestamp", timestamp or self.clock()),
        }
        if attempt_id is not None:
            found = self._conn.execute(
                "SELECT learner, case_id, variant_seed FROM attempts WHERE attempt_id = ?", (attempt_id,)
            ).fetchone()
            if found != (row["learner"], row["case_id"], row["variant_seed"]):
                raise InputError(
                    f"attempt_id: expected an attempt by {learner!r} on {case_id!r} variant {variant_seed}, "
                    f"found {'no attempt' if found is None else found} with id {attempt_id}"
                )
        return self._insert("rubric_marks", row)

    def _select(self, table: str, columns: list[str], filters: dict[str, Any]) -> pd.DataFrame:
        where = [f"{k} = ?" for k, v in filters.items() if v is not None]
        sql = f"SELECT {', '.join(columns)} FROM {table}"
        sql += f" WHERE {' AND '.join(where)}" if where else ""
        with _sqlite_errors(self.path, f"read {table} from"):
            rows = self._conn.execute(
                f"{sql} ORDER BY timestamp_utc, rowid", [v for v in filters.values() if v is not None]
            ).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=columns)
        frame["timestamp"] = pd.to_datetime(
            frame.pop("timestamp_utc").astype(str), format=_TS_FORMAT, utc=True
        )
        return frame

    def attempts(self, learner: str | None = None, case_id: str | None = None) -> pd.DataFrame:
        """All attempts (optionally of one learner and/or case), oldest first.

        Columns: ``attempt_id``, ``learner``, ``case_id``, ``variant_seed``, ``drill``, ``item``,
        ``choice``, ``cost_usd``, ``optimal_choice``, ``optimal_cost_usd``, ``time_taken_seconds``,
        ``session_id`` (missing for attempts recorded without one), ``timestamp`` (UTC),
        ``regret_usd`` (``cost_usd - optimal_cost_usd``) and ``correct`` (``choice == optimal_choice``).

        Examples
        --------
        >>> ProgressStore(":memory:").attempts().shape
        (0, 15)
        """
        frame = self._select("attempts", _ATTEMPT_COLUMNS, {"learner": learner, "case_id": case_id})
        frame = frame.astype(
            {"attempt_id": "int64", "variant_seed": "int64", "cost_usd": "float64",
             "optimal_cost_usd": "float64", "time_taken_seconds": "float64"}
        )  # fmt: skip
        frame["regret_usd"] = frame["cost_usd"] - frame["optimal_cost_usd"]
        frame["correct"] = (frame["choice"] == frame["optimal_choice"]).astype(bool)
        return frame

    def rubric_marks(self, learner: str | None = None, case_id: str | None = None) -> pd.DataFrame:
        """All rubric marks, oldest first, with ``score_share = score / scale_max`` in [0, 1].

        Columns: ``mark_id``, ``learner``, ``case_id``, ``variant_seed``, ``session_id``, ``attempt_id``
        (nullable ``Int64``), ``dimension``, ``score``, ``scale_max``, ``comment``, ``marked_by``,
        ``timestamp`` (UTC), ``score_share``.

        Examples
        --------
        >>> list(ProgressStore(":memory:").rubric_marks().columns)[-2:]
        ['timestamp', 'score_share']
        """
        frame = self._select("rubric_marks", _MARK_COLUMNS, {"learner": learner, "case_id": case_id})
        frame = frame.astype(
            {"mark_id": "int64", "variant_seed": "int64", "attempt_id": "Int64", "score": "float64",
             "scale_max": "float64"}
        )  # fmt: skip
        frame["score_share"] = frame["score"] / frame["scale_max"]
        return frame

    def history(self, learner: str) -> pd.DataFrame:
        """A learner's record per case and drill (empty frame if they have none).

        Columns: ``learner``, ``case_id``, ``drill``, ``attempts``, ``variants`` (distinct seeds),
        ``correct``, ``accuracy`` (share correct), ``mean_regret_usd``, ``total_regret_usd``,
        ``mean_time_taken_seconds``, ``first_practised``, ``last_practised`` (UTC).

        Examples
        --------
        >>> ProgressStore(":memory:").history("ana").empty
        True
        """
        return _summarise(self.attempts(learner=_text("learner", learner)))

    def due_items(
        self,
        learner: str,
        case_id: str | None = None,
        now: datetime | None = None,
        base_interval_days: float = 1.0,
    ) -> pd.DataFrame:
        """Missed items due for review now: :func:`schedule_reviews` on the learner's attempts, due rows.

        Examples
        --------
        >>> ProgressStore(":memory:").due_items("ana").empty
        True
        """
        when = now or self.clock()
        schedule = schedule_reviews(
            self.attempts(_text("learner", learner), case_id), when, base_interval_days
        )
        return schedule[schedule["due"]].reset_index(drop=True)

    def suggest_next(self, learner: str, now: datetime | None = None, limit: int | None = 5) -> pd.DataFrame:
        """What to practise next, best first: due reviews, then weak drills, then weak rubric dimensions.

        Order: (1) due missed items, most overdue first; (2) each case and drill with a positive mean
        regret or a miss, highest mean regret first (dollars: the costliest mistakes come first, which
        favours high-stakes cases); (3) each rubric dimension with a mean mark below full marks, lowest
        ``score_share`` first. Columns: ``rank``, ``kind`` (``review``, ``drill`` or ``rubric``),
        ``case_id``, ``variant_seed`` (``Int64``), ``drill``, ``item``, ``dimension``, ``reason``.

        Examples
        --------
        >>> store = ProgressStore(":memory:")
        >>> _ = store.record_rubric("ana", "loan-steering", 7, "incentive_alignment", 1, 4)
        >>> store.suggest_next("ana")[["kind", "dimension"]].values.tolist()
        [['rubric', 'incentive_alignment']]
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
            raise InputError(f"limit: expected a positive integer or None, got {limit!r}")
        df = self.attempts(_text("learner", learner))
        return _suggest(df, self.rubric_marks(learner), now or self.clock(), limit)


# --- from a learner's attempts to a plan: pure functions of the frames above ---------------------------


def _summarise(df: pd.DataFrame) -> pd.DataFrame:
    out = (
        df.groupby(["learner", "case_id", "drill"], sort=True)
        .agg(
            attempts=("attempt_id", "size"),
            variants=("variant_seed", "nunique"),
            correct=("correct", "sum"),
            mean_regret_usd=("regret_usd", "mean"),
            total_regret_usd=("regret_usd", "sum"),
            mean_time_taken_seconds=("time_taken_seconds", "mean"),
            first_practised=("timestamp", "min"),
            last_practised=("timestamp", "max"),
        )
        .reset_index()
    )
    out.insert(6, "accuracy", out["correct"] / out["attempts"])
    return out


def _suggest(df: pd.DataFrame, marks: pd.DataFrame, now: datetime, limit: int | None) -> pd.DataFrame:
    """The ranking behind :meth:`ProgressStore.suggest_next`, on one learner's attempts and marks."""
    schedule = schedule_reviews(df, now)
    due = schedule[schedule["due"]].reset_index(drop=True)
    due["reason"] = [
        f"missed {m}x; {k} right since the last miss; due {d:.1f} days ago"
        for m, k, d in zip(due["misses"], due["streak"], due["overdue_days"], strict=True)
    ]
    drills = _summarise(df)
    drills = drills[(drills["mean_regret_usd"] > 0) | (drills["accuracy"] < 1)]
    drills = drills.sort_values(["mean_regret_usd", "accuracy"], ascending=[False, True], kind="stable")
    drills["reason"] = [
        f"mean regret ${r:,.2f}, accuracy {a:.0%} over {n} attempts"
        for r, a, n in zip(drills["mean_regret_usd"], drills["accuracy"], drills["attempts"], strict=True)
    ]
    by_dimension = marks.groupby("dimension")["score_share"]
    dims = pd.DataFrame({"share": by_dimension.mean(), "marks": by_dimension.size()}).reset_index()
    dims = dims[dims["share"] < 1].sort_values("share", kind="stable")
    dims["reason"] = [
        f"mean mark {s:.0%} of the scale over {n} marks"
        for s, n in zip(dims["share"], dims["marks"], strict=True)
    ]
    for part, kind in ((due, "review"), (drills, "drill"), (dims, "rubric")):
        part["kind"] = kind
    columns = ["kind", "case_id", "variant_seed", "drill", "item", "dimension", "reason"]
    parts = [p.reindex(columns=columns) for p in (due, drills, dims)]
    out = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    out["variant_seed"] = out["variant_seed"].astype("Int64")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out if limit is None else out.head(limit)


def schedule_reviews(attempts: pd.DataFrame, now: datetime, base_interval_days: float = 1.0) -> pd.DataFrame:
    """When each missed item comes back (a Leitner-style doubling schedule).

    An item is one ``(learner, case_id, variant_seed, drill, item)``. An item enters review at its first
    miss and stays there. After its latest attempt, it is due again ``base_interval_days * 2**streak``
    later, where ``streak`` counts the correct answers since its most recent miss: 1 day after a miss,
    then 2, 4, 8... days after each further correct answer; a new miss resets the interval to 1 day.
    Answering early counts like answering on time. Intervals stop doubling at ``2**16`` base intervals.

    Parameters
    ----------
    attempts
        A frame like :meth:`ProgressStore.attempts` (the key columns, ``correct``, ``timestamp``).
    now
        The time to judge "due" against (timezone-aware).
    base_interval_days
        The interval after a miss, in days.

    Returns
    -------
    pandas.DataFrame
        One row per item in review: the key columns, ``attempts``, ``misses``, ``streak``,
        ``last_attempt_at``, ``interval_days``, ``due_at``, ``due`` (``due_at <= now``) and
        ``overdue_days`` (negative: not yet due); due items first, then by ``due_at``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = pd.to_datetime(["2026-11-01", "2026-11-02"], utc=True)
    >>> log = pd.DataFrame({"learner": "ana", "case_id": "loan-steering", "variant_seed": 7,
    ...     "drill": "stream", "item": "d3", "correct": [False, True], "timestamp": t})
    >>> s = schedule_reviews(log, datetime(2026, 11, 3, tzinfo=timezone.utc))
    >>> s[["streak", "interval_days", "due"]].values.tolist()
    [[1, 2.0, False]]
    """
    when = _now("now", now)
    base = _number("base_interval_days", base_interval_days, positive=True)
    missing = [c for c in [*_KEY, "correct", "timestamp"] if c not in attempts.columns]
    if missing:
        raise InputError(
            f"attempts: missing column {missing[0]!r}; expected the columns of ProgressStore.attempts"
        )
    df = attempts[[*_KEY, "correct", "timestamp"]].sort_values([*_KEY, "timestamp"], kind="stable")
    df = df.assign(
        miss=~df["correct"].astype(bool),
        pos=df.groupby(_KEY, sort=False).cumcount(),
    )
    df["miss_pos"] = df["pos"].where(df["miss"])
    out = df.groupby(_KEY, sort=True).agg(
        attempts=("pos", "size"),
        misses=("miss", "sum"),
        last_miss_pos=("miss_pos", "max"),
        last_attempt_at=("timestamp", "max"),
    )
    out = out[out["misses"] > 0].reset_index()
    out["streak"] = (out["attempts"] - 1 - out["last_miss_pos"]).astype("int64")
    out["interval_days"] = base * 2.0 ** np.minimum(out["streak"], _MAX_EXPONENT)
    out["due_at"] = out["last_attempt_at"] + pd.to_timedelta(out["interval_days"], unit="D")
    out["due"] = out["due_at"] <= when
    out["overdue_days"] = (when - out["due_at"]) / pd.Timedelta(days=1)
    out = out.drop(columns="last_miss_pos").astype({"misses": "int64"})
    return out.sort_values(["due", "due_at"], ascending=[False, True], kind="stable").reset_index(drop=True)
