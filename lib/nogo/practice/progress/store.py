"""The store itself: :class:`ProgressStore` records attempts and rubric marks and reads them back."""

from __future__ import annotations

import os
import sqlite3
import threading
import warnings
from collections.abc import Callable
from dataclasses import asdict, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from nogo._validate import check_choice
from nogo.cases.casefile import RUBRIC_DIMENSIONS  # the interview rubric's four dimensions
from nogo.errors import InputError
from nogo.practice.progress._sqlite import (
    check_header,
    connect_read_only,
    for_want_of_permission,
    identify,
    immediate,
    set_wal,
    sqlite_errors,
)
from nogo.practice.progress.attempt import (
    ATTEMPT_CHECKS,
    ATTEMPT_COLUMNS,
    MARK_COLUMNS,
    TS_FORMAT,
    Attempt,
    check_number,
    check_optional,
    check_seed,
    check_slug,
    check_text,
    utc_text,
)
from nogo.practice.progress.reviews import schedule_reviews, suggest, summarise
from nogo.practice.progress.schema import (
    APPLICATION_ID,
    ENV_VAR,
    MIGRATIONS,
    SCHEMA_VERSION,
    ProgressStoreError,
    ProgressStoreWarning,
    progress_path,
)

__all__ = ["ProgressStore"]


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        # One connection, used from whichever thread runs a widget's callback (ipykernel 7 may hand a
        # button's click to another thread than the cell that built the store): SQLite is serialized
        # (sqlite3.threadsafety 3), and the lock keeps one transaction from interleaving with another.
        self._lock = threading.RLock()
        if path is not None and os.fspath(path) == ":memory:":
            if read_only:
                raise InputError("read_only: a ':memory:' store starts empty, so there is nothing to read")
            self.path: Path | str = ":memory:"
        else:
            self.path = progress_path(path)
            check_header(self.path)
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
        with sqlite_errors(self.path, "open"):
            self._conn = sqlite3.connect(
                self.path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
        try:
            self._open()
        except ProgressStoreError as exc:
            self._conn.close()
            if read_only is None and isinstance(self.path, Path) and self.path.exists():
                if for_want_of_permission(exc):
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
        with sqlite_errors(path, "open (read-only)"):
            self._conn, how = connect_read_only(path, self._timeout)
        try:
            with sqlite_errors(path, "open (read-only)"):
                version = identify(self._conn, path)
                problems = [" ".join(r[0].split()) for r in self._conn.execute("PRAGMA quick_check(3)")]
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
        with sqlite_errors(self.path, "open"):
            # read only until the file is known to be ours, intact and not too new
            version = identify(conn, self.path)
            # one line per problem, so the error reads as one message
            problems = [" ".join(r[0].split()) for r in conn.execute("PRAGMA quick_check(3)")]
            if problems != ["ok"]:
                raise sqlite3.DatabaseError(f"database disk image is malformed: {'; '.join(problems)}")
            self.journal_mode = set_wal(conn, self._timeout)
            conn.execute("PRAGMA synchronous=FULL")
            if version != SCHEMA_VERSION:
                # Foreign keys off while a step rebuilds a table (dropping the old ``attempts`` would
                # otherwise first delete every row the rubric marks point at); checked before commit.
                conn.execute("PRAGMA foreign_keys=OFF")
                with immediate(conn):
                    version = identify(conn, self.path)  # again, under the write lock
                    if version == 0:
                        conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                    for statement in (st for step in MIGRATIONS[version:] for st in step):
                        conn.execute(statement)
                    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise sqlite3.IntegrityError(f"the upgrade would break references: {broken[:3]}")
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("PRAGMA foreign_keys=ON")

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
        with self._lock:
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        if self.read_only:
            raise ProgressStoreError(
                f"{self.path}: the progress store was opened read-only ({self.read_only_reason}); "
                "nothing was recorded"
            )
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        with self._lock, sqlite_errors(self.path, f"write {table} to"), immediate(self._conn):
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

        A committed call keeps its stated confidence (the track record's calibration reads it):

        >>> store.record_attempt(learner="ana", case_id="loan-steering", variant_seed=7, drill="commit",
        ...     item="call", choice="ship", cost_usd=0.0, optimal_choice="no-go", optimal_cost_usd=0.0,
        ...     time_taken_seconds=30.0, confidence=0.8, justification="the desk can absorb it")
        2
        >>> store.attempts()[["drill", "confidence", "correct"]].tail(1).values.tolist()
        [['commit', 0.8, False]]
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
        row = {name: check(name, a[name]) for name, check in ATTEMPT_CHECKS.items()}
        row["timestamp_utc"] = utc_text("timestamp", a["timestamp"] or self.clock())
        row |= check_optional(a)
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
        scale = check_number("scale_max", scale_max, positive=True)
        row = {
            "learner": check_text("learner", learner),
            "case_id": check_slug("case_id", case_id),
            "variant_seed": check_seed("variant_seed", variant_seed),
            "session_id": None if session_id is None else check_text("session_id", session_id),
            "attempt_id": None if attempt_id is None else check_seed("attempt_id", attempt_id),
            "dimension": check_choice("dimension", dimension, RUBRIC_DIMENSIONS),
            "score": check_number("score", score, upper=scale),
            "scale_max": scale,
            "comment": comment if isinstance(comment, str) else check_text("comment", comment),
            "marked_by": check_text("marked_by", marked_by),
            "timestamp_utc": utc_text("timestamp", timestamp or self.clock()),
        }
        if attempt_id is not None:
            with self._lock:
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
        with self._lock, sqlite_errors(self.path, f"read {table} from"):
            rows = self._conn.execute(
                f"{sql} ORDER BY timestamp_utc, rowid", [v for v in filters.values() if v is not None]
            ).fetchall()
        frame = pd.DataFrame.from_records(rows, columns=columns)
        frame["timestamp"] = pd.to_datetime(
            frame.pop("timestamp_utc").astype(str), format=TS_FORMAT, utc=True
        )
        return frame

    def attempts(self, learner: str | None = None, case_id: str | None = None) -> pd.DataFrame:
        """All attempts (optionally of one learner and/or case), oldest first.

        Columns: ``attempt_id``, ``learner``, ``case_id``, ``variant_seed``, ``drill``, ``item``,
        ``choice``, ``cost_usd``, ``optimal_choice``, ``optimal_cost_usd``, ``time_taken_seconds``,
        ``session_id`` (missing for attempts recorded without one), ``confidence`` and ``score`` (NaN
        where not given), ``justification`` (missing where not given), ``timestamp`` (UTC),
        ``regret_usd`` (``cost_usd - optimal_cost_usd``) and ``correct`` (``choice == optimal_choice``).

        Examples
        --------
        >>> ProgressStore(":memory:").attempts().shape
        (0, 18)
        """
        frame = self._select("attempts", ATTEMPT_COLUMNS, {"learner": learner, "case_id": case_id})
        frame = frame.astype(
            {"attempt_id": "int64", "variant_seed": "int64", "cost_usd": "float64",
             "optimal_cost_usd": "float64", "time_taken_seconds": "float64", "confidence": "float64",
             "score": "float64"}
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
        frame = self._select("rubric_marks", MARK_COLUMNS, {"learner": learner, "case_id": case_id})
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
        return summarise(self.attempts(learner=check_text("learner", learner)))

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
            self.attempts(check_text("learner", learner), case_id), when, base_interval_days
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
        df = self.attempts(check_text("learner", learner))
        return suggest(df, self.rubric_marks(learner), now or self.clock(), limit)
