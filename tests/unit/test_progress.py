"""Progress store: concurrent writers, a killed writer, migration from v1, corrupt and foreign files,
the location rules, validation, and the review schedule against a hand-worked one and a loop reference.

The concurrency tests fork real processes (each with its own SQLite connection), because threads in one
process would share SQLite's locks and hide the cross-process behaviour that two kernels rely on.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sqlite3
import sys
import time
import warnings
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nogo.errors import InputError
from nogo.practice.progress import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    Attempt,
    ProgressStore,
    ProgressStoreError,
    progress_path,
    schedule_reviews,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
needs_fork = pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs fork")


def _fields(**overrides):
    base = dict(
        learner="ana",
        case_id="loan-steering",
        variant_seed=7,
        drill="stream",
        item="d1",
        choice="act",
        cost_usd=100.0,
        optimal_choice="escalate",
        optimal_cost_usd=20.0,
        time_taken_seconds=12.5,
        timestamp=T0,
    )
    return base | overrides


def _raw(path, sql, params=()):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


# --- location ---------------------------------------------------------------------------------------


def test_location_argument_beats_env_beats_user_data_dir(tmp_path, monkeypatch):
    # the per-user default follows the XDG base-directory spec on Linux: $XDG_DATA_HOME/<app>
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("NOGO_DATA_DIR", raising=False)
    if sys.platform.startswith("linux"):
        assert progress_path() == tmp_path / "xdg" / "nogo" / "progress.sqlite3"
        monkeypatch.setenv("NOGO_DATA_DIR", "  ")  # blank counts as unset
        assert progress_path() == tmp_path / "xdg" / "nogo" / "progress.sqlite3"

    monkeypatch.setenv("NOGO_DATA_DIR", str(tmp_path / "env"))
    with ProgressStore() as store:
        store.record_attempt(**_fields())
    assert (tmp_path / "env" / "progress.sqlite3").exists()  # directory created on demand
    assert not (tmp_path / "xdg").exists()

    with ProgressStore(tmp_path / "arg.sqlite3") as store:
        assert store.attempts().empty  # the argument wins: a different, new file
    assert (tmp_path / "arg.sqlite3").exists()
    assert progress_path(tmp_path / "env") == tmp_path / "env" / "progress.sqlite3"  # a directory


def test_empty_file_becomes_a_store(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.touch()
    with ProgressStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    assert _raw(path, "PRAGMA application_id") == [(APPLICATION_ID,)]


# --- round trip, settings ---------------------------------------------------------------------------


def test_a_widget_callback_on_another_thread_records_its_answer(tmp_path):
    """ipykernel 7 may run a button's click on another thread than the cell that built the store (seen in
    JupyterLab: "SQLite objects created in a thread can only be used in that same thread", one answer of
    three lost); every thread's answers are kept, none interleaved."""
    import threading

    store = ProgressStore(tmp_path / "p.sqlite3")
    ids, errors = [], []

    def click(k: int) -> None:
        try:
            ids.append(store.record_attempt(**_fields(item=f"decision-{k}")))
        except Exception as exc:  # an error here is the bug: the answer would be lost
            errors.append(exc)

    threads = [threading.Thread(target=click, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(ids) == list(range(1, 9))
    assert sorted(store.attempts()["item"]) == sorted(f"decision-{k}" for k in range(8))
    store.close()


def test_round_trip_regret_correct_and_utc(tmp_path):
    path = tmp_path / "p.sqlite3"
    cet = timezone(timedelta(hours=1))
    with ProgressStore(path) as store:
        first = store.record_attempt(**_fields(timestamp=datetime(2026, 11, 2, 10, 30, tzinfo=cet)))
        second = store.record_attempt(
            Attempt("ana", "loan-steering", 7, "launch", "launch-call", "no-go", 0.0, "no-go", 0.0, 95.0,
                    T0 + timedelta(hours=1), "s-1")
        )  # fmt: skip
        # committed before returning: another connection sees both rows while the store is still open
        assert _raw(path, "SELECT attempt_id FROM attempts ORDER BY attempt_id") == [(first,), (second,)]
        df = store.attempts()
        assert store.journal_mode == "wal"
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert df["regret_usd"].tolist() == [80.0, 0.0]  # 100 - 20, 0 - 0
    assert df["correct"].tolist() == [False, True]
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2026-11-02 09:30", tz="UTC"),
        pd.Timestamp(T0) + pd.Timedelta(hours=1),
    ]
    assert df["session_id"].isna().tolist() == [True, False]
    # the file itself: WAL persisted, our id and version, UTC text stamps
    assert _raw(path, "PRAGMA journal_mode") == [("wal",)]
    assert _raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert _raw(path, "SELECT timestamp_utc FROM attempts WHERE attempt_id = ?", (first,)) == [
        ("2026-11-02T09:30:00.000000Z",)
    ]


def test_history_by_hand():
    store = ProgressStore(":memory:")
    # stream: costs 100/20 (miss), 20/20 (right), 50/10 (miss); policy: one right answer; bob: ignored
    store.record_attempt(**_fields(timestamp=T0))
    store.record_attempt(**_fields(choice="escalate", cost_usd=20.0, timestamp=T0 + timedelta(days=1)))
    store.record_attempt(
        **_fields(
            variant_seed=8,
            cost_usd=50.0,
            optimal_cost_usd=10.0,
            time_taken_seconds=2.5,
            timestamp=T0 + timedelta(days=2),
        )
    )
    store.record_attempt(
        **_fields(drill="policy", choice="t=0.8", optimal_choice="t=0.8", cost_usd=5.0, optimal_cost_usd=5.0)
    )
    store.record_attempt(**_fields(learner="bob"))
    h = store.history("ana").set_index("drill")
    assert h.loc["stream", "attempts"] == 3 and h.loc["stream", "variants"] == 2
    assert h.loc["stream", "correct"] == 1 and h.loc["stream", "accuracy"] == pytest.approx(1 / 3)
    assert h.loc["stream", "total_regret_usd"] == pytest.approx(80 + 0 + 40)
    assert h.loc["stream", "mean_regret_usd"] == pytest.approx(40.0)
    assert h.loc["stream", "mean_time_taken_seconds"] == pytest.approx((12.5 + 12.5 + 2.5) / 3)
    assert h.loc["stream", "first_practised"] == pd.Timestamp(T0)
    assert h.loc["stream", "last_practised"] == pd.Timestamp(T0 + timedelta(days=2))
    assert h.loc["policy", "accuracy"] == 1.0 and h.loc["policy", "mean_regret_usd"] == 0.0
    assert store.history("carol").empty


# --- two processes, a killed process ----------------------------------------------------------------


def _writer(path, barrier, learner, n, conn):
    try:
        barrier.wait(timeout=30)  # race to open (and create or migrate) the file
        with ProgressStore(path, timeout=30) as store:
            barrier.wait(timeout=30)  # then race to write
            start = time.monotonic()
            for i in range(n):
                store.record_attempt(**_fields(learner=learner, item=f"d{i}", time_taken_seconds=i))
            conn.send(("ok", start, time.monotonic()))
    except BaseException as exc:  # report, do not die silently
        conn.send((repr(exc), 0.0, 0.0))


def _make_v1(path, learners=("old",)):
    con = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        con.execute(statement)
    con.execute(f"PRAGMA application_id={APPLICATION_ID}")
    con.execute("PRAGMA user_version=1")
    for k, learner in enumerate(learners):
        con.execute(
            "INSERT INTO attempts (learner, case_id, variant_seed, drill, item, choice, cost_usd, "
            "optimal_choice, optimal_cost_usd, time_taken_seconds, timestamp_utc) "
            "VALUES (?, 'pricing-feedback-loop', 3, 'policy', 'cap', '2x', 40.5, '1.2x', 2.25, 31.0, ?)",
            (learner, f"2026-10-0{k + 1}T08:00:00.000000Z"),
        )
    con.commit()
    con.close()


@needs_fork
@pytest.mark.parametrize("start", ["new file", "v1 file"])
def test_two_processes_writing_at_once(tmp_path, start):
    path, n = tmp_path / "p.sqlite3", 100
    if start == "v1 file":  # both processes also race to migrate it
        _make_v1(path)
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(2)
    pipes = [ctx.Pipe(duplex=False) for _ in range(2)]
    procs = [
        ctx.Process(target=_writer, args=(path, barrier, learner, n, send))
        for learner, (_, send) in zip(["ana", "bob"], pipes, strict=True)
    ]
    for p in procs:
        p.start()
    for _, send in pipes:
        send.close()  # so a child that dies unreported ends recv() with EOFError instead of a hang
    reports = [recv.recv() for recv, _ in pipes]
    for p in procs:
        p.join(30)
    assert [r[0] for r in reports] == ["ok", "ok"]  # no "database is locked", no failed migration
    (_, a0, a1), (_, b0, b1) = reports
    assert a0 < b1 and b0 < a1, "the two write loops did not overlap in time"
    rows = _raw(path, "SELECT learner, item, time_taken_seconds FROM attempts WHERE learner != 'old'")
    assert len(rows) == 2 * n and len(set(rows)) == 2 * n
    assert set(rows) == {(w, f"d{i}", float(i)) for w in ("ana", "bob") for i in range(n)}
    assert _raw(path, "PRAGMA integrity_check") == [("ok",)]
    assert _raw(path, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    if start == "v1 file":
        assert _raw(path, "SELECT learner, cost_usd FROM attempts WHERE learner = 'old'") == [("old", 40.5)]


def _session(path, k, then, conn):
    store = ProgressStore(path)
    i = 0
    while True:
        attempt_id = store.record_attempt(**_fields(item=f"d{i}", time_taken_seconds=i))
        conn.send(attempt_id)  # only after the commit returned: the learner has "answered"
        i += 1
        if then == "sleeps" and i == k:
            time.sleep(60)


@needs_fork
@pytest.mark.parametrize("then", ["sleeps", "keeps writing"])
def test_killed_process_loses_nothing_answered(tmp_path, then):
    path, k = tmp_path / "p.sqlite3", 25
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_session, args=(path, k, then, send))
    proc.start()
    send.close()
    answered = [recv.recv() for _ in range(k)]
    os.kill(proc.pid, signal.SIGKILL)  # mid-session; with "keeps writing", usually mid-transaction
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    assert Path(f"{path}-wal").exists()  # not checkpointed: what follows is recovered from the WAL
    assert _raw(path, "PRAGMA integrity_check") == [("ok",)]
    rows = _raw(path, "SELECT attempt_id, item, time_taken_seconds FROM attempts ORDER BY attempt_id")
    assert rows[:k] == [(a, f"d{i}", float(i)) for i, a in enumerate(answered)]
    if then == "sleeps":
        assert len(rows) == k
    else:  # at most the answers committed after the last ack, each whole
        assert [r[1] for r in rows] == [f"d{i}" for i in range(len(rows))]
    with ProgressStore(path) as store:  # and the next kernel carries on
        store.record_attempt(**_fields(item="after"))
        assert store.attempts()["item"].iloc[-1] == "after"


def test_busy_writer_gives_a_clear_error_after_the_timeout(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path, timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another kernel holds the write lock
    with pytest.raises(
        ProgressStoreError,
        match=r"p\.sqlite3: could not write attempts to the progress store \(database is locked\)",
    ):
        store.record_attempt(**_fields())
    other.execute("ROLLBACK")
    store.record_attempt(**_fields())  # the connection is still usable
    assert len(store.attempts()) == 1
    store.close()
    other.close()


# --- migration --------------------------------------------------------------------------------------


def test_migration_from_the_first_schema(tmp_path):
    path = tmp_path / "p.sqlite3"
    _make_v1(path, learners=("ana", "bob"))
    with ProgressStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION == 3
        df = store.attempts()
        mark = store.record_rubric(
            "ana", "pricing-feedback-loop", 3, "threshold_definition", 2, 5, attempt_id=1
        )
        marks = store.rubric_marks()
    assert df["learner"].tolist() == ["ana", "bob"]
    assert df["regret_usd"].tolist() == [40.5 - 2.25] * 2
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2026-10-01 08:00", tz="UTC"),
        pd.Timestamp("2026-10-02 08:00", tz="UTC"),
    ]
    assert df["session_id"].isna().all()
    assert marks["mark_id"].tolist() == [mark] and marks["attempt_id"].tolist() == [1]
    columns = [r[1] for r in _raw(path, "PRAGMA table_info(attempts)")]
    assert columns[-4:] == ["session_id", "confidence", "score", "justification"]
    names = {r[0] for r in _raw(path, "SELECT name FROM sqlite_master")}
    assert "attempts_v3" not in names  # the rebuilt table took the old one's name
    assert {"attempts", "rubric_marks", "attempts_by_learner", "rubric_marks_by_learner"} <= names
    with ProgressStore(path) as store:  # opening again is a no-op
        assert len(store.attempts()) == 2


def test_failed_migration_rolls_back_whole(tmp_path):
    path = tmp_path / "p.sqlite3"
    _make_v1(path)
    _raw(path, "CREATE TABLE rubric_marks (x)")  # makes step 2 fail after its ALTER TABLE ran
    with pytest.raises(
        ProgressStoreError,
        match=r"p\.sqlite3: could not open the progress store \(table rubric_marks already exists\)",
    ):
        ProgressStore(path)
    assert _raw(path, "PRAGMA user_version") == [(1,)]
    assert "session_id" not in [r[1] for r in _raw(path, "PRAGMA table_info(attempts)")]
    assert _raw(path, "SELECT count(*) FROM attempts") == [(1,)]


# --- files that are not ours ------------------------------------------------------------------------


def _refused(path, match):
    before = path.read_bytes()
    siblings = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(ProgressStoreError, match=match) as info:
        ProgressStore(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before, "the file was modified"
    assert sorted(p.name for p in path.parent.iterdir()) == siblings  # no -wal/-shm left behind either


def test_random_bytes_are_refused_untouched(tmp_path):
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(np.random.default_rng(0).bytes(8192))
    _refused(path, r"not a No-Go progress store: the file is not an SQLite database.*left untouched")
    path.write_bytes(b"SQLite for")  # a truncated header
    _refused(path, r"not an SQLite database")


@pytest.mark.parametrize("damage", ["all pages after the header", "one table page"])
def test_corrupt_store_is_refused_untouched(tmp_path, damage):
    path = tmp_path / "progress.sqlite3"
    with ProgressStore(path) as store:
        store.record_attempt(**_fields())
    assert not Path(f"{path}-wal").exists()  # checkpointed on close, so all content is in the file
    data = bytearray(path.read_bytes())
    page = _raw(path, "PRAGMA page_size")[0][0]
    assert len(data) >= 3 * page
    start, stop = (100, len(data)) if damage.startswith("all") else (page, 2 * page)
    data[start:stop] = np.random.default_rng(1).bytes(stop - start)  # the SQLite header stays valid
    path.write_bytes(bytes(data))
    # refused when opened (by PRAGMA quick_check), not half-way through a session
    _refused(path, r"the progress store is corrupt \(.*\)\. It was left untouched")


def test_foreign_sqlite_files_are_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    _raw(path, "CREATE TABLE notes (body TEXT)")
    _refused(
        path,
        r"other\.db: not a No-Go progress store but an SQLite database of another application \(application_id 0x00000000, user_version 0, tables: notes\)",
    )
    fossil = tmp_path / "fossil.db"
    _raw(fossil, "PRAGMA application_id=252006674")  # Fossil's id, 0x0F055112; no tables yet
    _refused(fossil, r"application_id 0x0f055112, user_version 0, tables: none")


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "progress.sqlite3"
    ProgressStore(path).close()
    _raw(path, f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    _refused(
        path,
        rf"schema version {SCHEMA_VERSION + 1} was written by a newer nogo \(this one reads up to version {SCHEMA_VERSION}\)",
    )


# --- validation -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"learner": " "}, r"learner: expected a non-empty string, got ' '"),
        (
            {"case_id": "Loan Steering"},
            r"case_id: expected a kebab-case case id such as 'loan-steering', got 'Loan Steering'",
        ),
        ({"variant_seed": -1}, r"variant_seed: expected an integer in \[0, 2\*\*63\), got -1"),
        ({"variant_seed": 1.5}, r"variant_seed: expected an integer in \[0, 2\*\*63\), got 1.5"),
        ({"variant_seed": True}, r"variant_seed: expected an integer .*got True"),
        ({"drill": "quiz"}, r"drill: expected one of 'stream', 'policy', 'launch', 'commit', 'premortem', 'signature', got 'quiz'"),
        ({"item": ""}, r"item: expected a non-empty string, got ''"),
        ({"choice": None}, r"choice: expected a non-empty string, got None"),
        ({"cost_usd": float("nan")}, r"cost_usd: expected a finite number >= 0, got nan"),
        ({"cost_usd": -1}, r"cost_usd: expected a finite number >= 0, got -1"),
        ({"optimal_cost_usd": float("inf")}, r"optimal_cost_usd: expected a finite number >= 0, got inf"),
        ({"time_taken_seconds": "fast"}, r"time_taken_seconds: expected a finite number >= 0, got 'fast'"),
        (
            {"timestamp": datetime(2026, 11, 2)},
            r"timestamp: expected a timezone-aware datetime, got datetime",
        ),
        ({"session_id": ""}, r"session_id: expected a non-empty string, got ''"),
        ({"confidence": 1.5}, r"confidence: expected a finite number >= 0 and <= 1.0, got 1.5"),
        ({"confidence": -0.1}, r"confidence: expected a finite number >= 0 and <= 1.0, got -0.1"),
        ({"confidence": "sure"}, r"confidence: expected a finite number >= 0 and <= 1.0, got 'sure'"),
        ({"score": float("nan")}, r"score: expected a finite number, got nan"),
        ({"score": True}, r"score: expected a finite number, got True"),
        ({"justification": 42}, r"justification: expected text, got 42"),
        ({"colour": "red"}, r"colour: not an attempt field; an attempt has fields learner, case_id"),
    ],
)
def test_bad_attempts_are_refused_with_the_field_named(overrides, message):
    store = ProgressStore(":memory:")
    with pytest.raises(InputError, match=message):
        store.record_attempt(**_fields(**overrides))
    assert store.attempts().empty  # nothing half-written


def test_missing_field_and_mixed_call_are_refused():
    store = ProgressStore(":memory:")
    fields = _fields()
    del fields["optimal_choice"]
    with pytest.raises(
        InputError, match=r"optimal_choice: missing; an attempt has fields learner, case_id, variant_seed"
    ):
        store.record_attempt(**fields)
    with pytest.raises(InputError, match=r"learner: pass an Attempt or keyword fields, not both"):
        store.record_attempt(Attempt(**_fields()), learner="bob")


def test_rubric_marks_and_their_validation():
    store = ProgressStore(":memory:", clock=lambda: T0)
    attempt = store.record_attempt(**_fields(drill="launch", item="launch-call", timestamp=None))
    assert store.attempts()["timestamp"].tolist() == [pd.Timestamp(T0)]  # from the injected clock
    store.record_rubric(
        "ana", "loan-steering", 7, "incentive_alignment", 1.5, 4, "names no owner", "kim", attempt_id=attempt
    )
    store.record_rubric("ana", "loan-steering", 7, "escalation_design", 5, 5, marked_by="kim")
    marks = store.rubric_marks("ana")
    assert marks["score_share"].tolist() == [1.5 / 4, 1.0]
    assert marks["attempt_id"].tolist()[0] == attempt and pd.isna(marks["attempt_id"].iloc[1])
    assert marks["timestamp"].tolist() == [pd.Timestamp(T0)] * 2
    bad = [
        (dict(dimension="charisma"), r"dimension: expected one of 'threshold_definition', 'failure_mode_prioritisation', 'escalation_design', 'incentive_alignment', got 'charisma'"),
        (dict(score=5), r"score: expected a finite number >= 0 and <= 4.0, got 5"),
        (dict(score=-1), r"score: expected a finite number >= 0 and <= 4.0, got -1"),
        (dict(scale_max=0), r"scale_max: expected a finite number > 0, got 0"),
        (dict(marked_by=""), r"marked_by: expected a non-empty string, got ''"),
        (dict(attempt_id=99), r"attempt_id: expected an attempt by 'ana' on 'loan-steering' variant 7, found no attempt with id 99"),
        (dict(learner="bob", attempt_id=attempt), r"attempt_id: expected an attempt by 'bob' .*found \('ana', 'loan-steering', 7\)"),
    ]  # fmt: skip
    for overrides, message in bad:
        args = (
            dict(
                learner="ana",
                case_id="loan-steering",
                variant_seed=7,
                dimension="threshold_definition",
                score=2,
                scale_max=4,
            )
            | overrides
        )
        with pytest.raises(InputError, match=message):
            store.record_rubric(**args)
    assert len(store.rubric_marks()) == 2


# --- spaced repetition ------------------------------------------------------------------------------


def test_review_schedule_against_a_hand_worked_one():
    store = ProgressStore(":memory:")
    day = lambda d: T0 + timedelta(days=d)  # noqa: E731
    # item A: miss d0, right d1, right d3, miss d7, right d8
    for d, ok in [(0, False), (1, True), (3, True), (7, False), (8, True)]:
        store.record_attempt(**_fields(item="A", choice="escalate" if ok else "act", timestamp=day(d)))
    # item B: never missed, never scheduled; item C: right d0, miss d5; C in variant 8 is another item
    for d in (0, 2):
        store.record_attempt(**_fields(item="B", choice="escalate", timestamp=day(d)))
    store.record_attempt(**_fields(item="C", choice="escalate", timestamp=day(0)))
    store.record_attempt(**_fields(item="C", timestamp=day(5)))
    store.record_attempt(**_fields(item="C", variant_seed=8, choice="escalate", timestamp=day(5)))

    # by hand: A after the miss at d7 then one right answer (streak 1) comes back 2 days after d8 = d10;
    # C after its miss at d5 comes back 1 day later = d6.
    s = schedule_reviews(store.attempts(), day(9)).set_index("item")
    assert sorted(s.index) == ["A", "C"]
    assert s.loc["A", ["misses", "streak", "interval_days"]].tolist() == [2, 1, 2.0]
    assert s.loc["A", "due_at"] == pd.Timestamp(day(10)) and not s.loc["A", "due"]
    assert s.loc["C", "due_at"] == pd.Timestamp(day(6)) and s.loc["C", "overdue_days"] == 3.0
    assert store.due_items("ana", now=day(9))["item"].tolist() == ["C"]
    assert store.due_items("ana", now=day(10))["item"].tolist() == ["C", "A"]  # most overdue first
    # replaying A's history step by step gives the hand schedule d1, d3, d7, d8, d10
    a = store.attempts().query("item == 'A'")
    due = [schedule_reviews(a.head(i), day(0))["due_at"].iloc[0] for i in range(1, 6)]
    assert due == [pd.Timestamp(day(d)) for d in (1, 3, 7, 8, 10)]
    with pytest.raises(InputError, match=r"now: expected a timezone-aware datetime"):
        store.due_items("ana", now=datetime(2026, 11, 2))
    with pytest.raises(InputError, match=r"attempts: missing column 'correct'"):
        schedule_reviews(a.drop(columns="correct"), day(0))


def _reference_due(events, base_days):
    """The rule read literally, one attempt at a time: None if never missed, else the due time."""
    streak, last = None, None
    for t, ok in events:
        last = t
        if not ok:
            streak = 0
        elif streak is not None:
            streak += 1
    return None if streak is None else last + pd.Timedelta(days=base_days * 2**streak)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(
        st.lists(st.tuples(st.integers(1, 2000), st.booleans()), min_size=1, max_size=8),
        min_size=1,
        max_size=5,
    ),
    base_days=st.sampled_from([0.5, 1.0, 3.0]),
    seed=st.integers(0, 2**16),
)
def test_review_schedule_matches_the_rule_read_literally(items, base_days, seed):
    rows, expected = [], {}
    for k, events in enumerate(items):
        t = pd.Timestamp(T0) + pd.to_timedelta(np.cumsum([gap for gap, _ in events]), unit="h")
        timeline = list(zip(t, [ok for _, ok in events], strict=True))
        expected[f"i{k}"] = _reference_due(timeline, base_days)
        rows += [
            dict(
                learner="ana",
                case_id="c",
                variant_seed=1,
                drill="stream",
                item=f"i{k}",
                correct=ok,
                timestamp=ts,
            )
            for ts, ok in timeline
        ]
    log = pd.DataFrame(rows).sample(frac=1, random_state=seed)  # row order must not matter
    now = pd.Timestamp(T0) + pd.Timedelta(days=60)
    s = schedule_reviews(log, now.to_pydatetime(), base_days)
    got = dict(zip(s["item"], s["due_at"], strict=True))
    assert got == {k: v for k, v in expected.items() if v is not None}
    assert (s["due"] == (s["due_at"] <= now)).all()


def test_suggest_next_orders_reviews_then_drills_then_rubric():
    store = ProgressStore(":memory:")
    store.record_attempt(**_fields(item="A", timestamp=T0))  # missed: due at T0 + 1 day; regret 80
    store.record_attempt(
        **_fields(
            drill="policy", item="p", cost_usd=30.0, optimal_cost_usd=0.0, choice="x", optimal_choice="x"
        )
    )
    store.record_attempt(
        **_fields(
            case_id="resume-proxy-bias",
            drill="launch",
            item="call",
            choice="ship",
            optimal_choice="no-go",
            cost_usd=0.0,
            optimal_cost_usd=0.0,
        )
    )
    store.record_attempt(
        **_fields(case_id="resume-proxy-bias", item="ok", choice="escalate", cost_usd=20.0)
    )  # perfect drill
    store.record_rubric("ana", "loan-steering", 7, "escalation_design", 2, 4)
    store.record_rubric("ana", "loan-steering", 7, "threshold_definition", 1, 4)
    store.record_rubric("ana", "loan-steering", 7, "incentive_alignment", 4, 4)  # full marks: no advice
    out = store.suggest_next("ana", now=T0 + timedelta(days=2), limit=None)
    assert out["rank"].tolist() == list(range(1, 8))
    assert out["kind"].tolist() == ["review"] * 2 + ["drill"] * 3 + ["rubric"] * 2
    # both misses were at T0, so both are a day overdue; ties go by case id
    first = ["loan-steering", 7, "stream", "A"]
    assert out.loc[0, ["case_id", "variant_seed", "drill", "item"]].tolist() == first
    assert out.loc[1, ["case_id", "drill", "item"]].tolist() == ["resume-proxy-bias", "launch", "call"]
    # drills by mean regret: stream $80, policy $30 (right choice, but costly), launch $0 with a miss;
    # the perfect resume-proxy-bias stream drill is not suggested
    assert out.loc[2:4, ["case_id", "drill"]].values.tolist() == [
        ["loan-steering", "stream"], ["loan-steering", "policy"], ["resume-proxy-bias", "launch"]
    ]  # fmt: skip
    assert out.loc[5:6, "dimension"].tolist() == ["threshold_definition", "escalation_design"]
    assert out.loc[0, "reason"] == "missed 1x; 0 right since the last miss; due 1.0 days ago"
    assert out.loc[5, "reason"] == "mean mark 25% of the scale over 1 mark"
    assert out.loc[2, "reason"] == "mean regret $80.00, accuracy 0% over 1 attempt"
    assert len(store.suggest_next("ana", now=T0 + timedelta(days=2))) == 5  # default limit
    assert store.suggest_next("nobody").empty
    with pytest.raises(InputError, match=r"limit: expected a positive integer or None, got 0"):
        store.suggest_next("ana", limit=0)


# --- read-only stores (issue 16, item 8) --------------------------------------------------------------
#
# Tests run as root here, and chmod does not stop root. So the reader runs in a child process that, when
# it is root, first enters a new user namespace with no uid mapped (unshare(CLONE_NEWUSER)): it keeps
# uid 0 as the owner of the files, so plain owner permissions apply, but loses CAP_DAC_OVERRIDE over
# them, so a folder chmod'ed 0o555 really cannot be written. The child proves that before reading. As
# an ordinary user, the chmod alone does it.

_READER = r"""
import ctypes, json, os, sys
folder, path, learner, n_expected = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if os.geteuid() == 0 and ctypes.CDLL(None, use_errno=True).unshare(0x10000000) != 0:
    print(json.dumps({"skip": "no user namespace to drop root's override"})); sys.exit(0)
try:
    open(os.path.join(folder, "probe"), "w")
    print(json.dumps({"skip": "the folder is still writable"})); sys.exit(0)
except PermissionError:
    pass
from click.testing import CliRunner
import nogo.app.cli
from nogo.practice.progress import ProgressStore, ProgressStoreError
cli = CliRunner().invoke(nogo.app.cli.main, ["progress", "--learner", learner, "--store", path])
out = {"cli_exit": cli.exit_code, "cli_output": cli.output}
import warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    store = ProgressStore(path)
out["warnings"] = [f"{w.category.__name__}: {w.message}" for w in caught]
with store:
    out["read_only"] = store.read_only
    out["reason"] = store.read_only_reason
    out["items"] = store.attempts()["item"].tolist()
    try:
        store.record_attempt(learner="ana", case_id="loan-steering", variant_seed=7, drill="stream",
            item="late", choice="act", cost_usd=1.0, optimal_choice="act", optimal_cost_usd=1.0,
            time_taken_seconds=1.0)
        out["write"] = "accepted"
    except ProgressStoreError as exc:
        out["write"] = str(exc)
print(json.dumps(out))
"""


def _read_in_read_only_folder(folder: Path, path: Path, n_expected: int, *, files_too: bool = True) -> dict:
    import json
    import subprocess

    files = sorted(folder.iterdir())
    modes = {f: f.stat().st_mode & 0o777 for f in files}
    for f in files if files_too else ():  # the store (and a live writer's -wal and -shm) read-only too
        f.chmod(0o444)
    folder.chmod(0o555)
    try:
        run = subprocess.run(
            [sys.executable, "-c", _READER, str(folder), str(path), "ana", str(n_expected)],
            capture_output=True, text=True, timeout=120,
        )
    finally:
        folder.chmod(0o755)
        for f, mode in modes.items():
            f.chmod(mode)
    before = [f.name for f in files]
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    if "skip" in out:
        pytest.skip(out["skip"])
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing created, nothing removed
    return out


@pytest.mark.parametrize("files_too", [False, True], ids=["folder read-only", "folder and file read-only"])
def test_a_store_in_a_read_only_folder_can_be_read(tmp_path, files_too):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.sqlite3"
    with ProgressStore(path) as store:
        for i in range(3):
            store.record_attempt(**_fields(item=f"d{i}"))
    assert sorted(p.name for p in folder.iterdir()) == ["p.sqlite3"]  # a clean close leaves no -wal/-shm
    out = _read_in_read_only_folder(folder, path, 3, files_too=files_too)
    assert out["cli_exit"] == 0, out["cli_output"]
    assert "ana: practice history" in out["cli_output"] and "unable to open" not in out["cli_output"]
    assert out["read_only"] is True and out["items"] == ["d0", "d1", "d2"]
    assert "cannot be written" in out["reason"] and "immutable" in out["reason"]  # no -wal to miss
    assert "opened read-only" in out["write"] and str(path) in out["write"]
    assert out["warnings"] == [
        f"ProgressStoreWarning: {path}: opened read-only ({out['reason'].split('; read through')[0]}), so "
        "answers and marks cannot be saved to it; set NOGO_DATA_DIR to a writable folder to save them, or "
        "pass read_only=True to only read"
    ]


def test_a_read_only_reader_sees_answers_still_in_the_write_ahead_log(tmp_path):
    """While a writer holds the store open, recent answers live only in the -wal file: a reader that
    skipped it (SQLite's immutable mode) would silently miss them."""
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "p.sqlite3"
    writer = ProgressStore(path)
    try:
        for i in range(4):
            writer.record_attempt(**_fields(item=f"d{i}"))
        assert Path(f"{path}-wal").stat().st_size > 0
        out = _read_in_read_only_folder(folder, path, 4)
    finally:
        writer.close()
    assert out["cli_exit"] == 0, out["cli_output"]
    assert out["items"] == ["d0", "d1", "d2", "d3"]
    assert "mode=ro" in out["reason"], out  # through the writer's -wal and -shm, not around them


def test_an_explicit_read_only_store_never_writes(tmp_path):
    path = tmp_path / "p.sqlite3"
    with ProgressStore(path) as store:
        store.record_attempt(**_fields())
    before = path.read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # asked for: no warning
        store = ProgressStore(path, read_only=True)
    with store:
        assert store.read_only and store.attempts()["item"].tolist() == ["d1"]
        assert repr(store) == f"ProgressStore({str(path)!r}, read_only=True)"
        with pytest.raises(ProgressStoreError, match=r"opened read-only .* nothing was recorded"):
            store.record_attempt(**_fields(item="d2"))
        with pytest.raises(ProgressStoreError, match=r"opened read-only"):
            store.record_rubric("ana", "loan-steering", 7, "threshold_definition", 2, 5)
    assert path.read_bytes() == before
    with pytest.raises(ProgressStoreError, match=r"no progress store to read"):
        ProgressStore(tmp_path / "missing.sqlite3", read_only=True)
    assert not (tmp_path / "missing.sqlite3").exists()
    old = tmp_path / "v1.sqlite3"
    _make_v1(old)
    with pytest.raises(ProgressStoreError, match=r"schema version 1 .* open it once for writing"):
        ProgressStore(old, read_only=True)
    assert _raw(old, "PRAGMA user_version") == [(1,)]
