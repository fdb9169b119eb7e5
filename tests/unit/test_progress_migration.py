"""Progress survives the move (issue 13, item 8; issue 14, item 9): a store written by nogo before the reorganisation opens
with today's code with every attempt and mark intact.

``data/progress_v2.sqlite3.gz`` was written by the drills of nogo at commit 5e2296c (two learners, one
named 李雷; a decision stream, policy submissions, launch calls with rubric marks, mock interview
self-marks, attempts and marks with a session id). ``data/progress_v2_expected.json`` is what that same
old code read back from it: the record the migrated store is compared with, field by field.
``data/build_progress_v2.py`` says how both were made. When a later schema changes item or attempt
identifiers, its migration goes in :data:`nogo.practice.progress.MIGRATIONS` and this test keeps
proving that no attempt is lost.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from nogo.practice.progress import SCHEMA_VERSION, ProgressStore, ProgressStoreError

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = json.loads((DATA / "progress_v2_expected.json").read_text(encoding="utf-8"))
KEY = ["learner", "case_id", "variant_seed", "drill", "item", "choice", "optimal_choice"]
NUMBERS = ["cost_usd", "optimal_cost_usd", "time_taken_seconds"]


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    path = tmp_path / "progress.sqlite3"
    path.write_bytes(gzip.decompress((DATA / "progress_v2.sqlite3.gz").read_bytes()))
    return path


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw(path: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_the_fixture_is_an_old_store_of_every_drill_and_both_learners(old_store):
    """The fixture holds what the test needs to mean anything: an older schema's file, every drill."""
    assert _raw(old_store, "PRAGMA user_version") == [(EXPECTED["schema_version"],)]
    assert EXPECTED["schema_version"] <= SCHEMA_VERSION
    attempts = pd.DataFrame(EXPECTED["attempts"])
    assert set(attempts["drill"]) == {"stream", "policy", "launch"}
    assert set(attempts["learner"]) == {"ana", "李雷"}
    marks = pd.DataFrame(EXPECTED["rubric_marks"])
    assert set(marks["marked_by"]) == {"coach", "self"}  # the launch checklist and the mock interview
    assert marks["attempt_id"].notna().any() and attempts["session_id"].notna().any()
    assert _raw(old_store, "SELECT count(*) FROM attempts") == [(len(attempts),)]


def test_every_attempt_survives_with_its_learner_case_item_answer_score_and_time(old_store):
    with ProgressStore(old_store) as store:
        assert store.schema_version == SCHEMA_VERSION
        got = store.attempts()
        marks = store.rubric_marks()
    want = pd.DataFrame(EXPECTED["attempts"])
    assert len(got) == len(want)
    assert got["attempt_id"].tolist() == want["attempt_id"].tolist()
    for column in KEY:
        assert got[column].tolist() == want[column].tolist(), column
    for column in NUMBERS:  # exactly, not approximately: a migration must not round a stored number
        assert got[column].tolist() == want[column].tolist(), column
    sessions = got["session_id"].astype(object).where(got["session_id"].notna(), None).tolist()
    assert sessions == [a["session_id"] for a in EXPECTED["attempts"]]
    stamps = [t.isoformat() for t in got["timestamp"]]
    assert stamps == want["timestamp"].tolist()  # to the microsecond, in UTC
    assert got["correct"].tolist() == want["correct"].tolist()
    assert got["regret_usd"].tolist() == want["regret_usd"].tolist()

    want_marks = pd.DataFrame(EXPECTED["rubric_marks"])
    assert marks["mark_id"].tolist() == want_marks["mark_id"].tolist()
    for column in ["learner", "case_id", "variant_seed", "dimension", "score", "scale_max", "comment",
                   "marked_by"]:  # fmt: skip
        assert marks[column].tolist() == want_marks[column].tolist(), column
    linked = marks["attempt_id"].astype(object).where(marks["attempt_id"].notna(), None).tolist()
    assert linked == [m["attempt_id"] for m in EXPECTED["rubric_marks"]]
    assert [t.isoformat() for t in marks["timestamp"]] == want_marks["timestamp"].tolist()


def test_the_non_ascii_learner_is_found_by_name(old_store):
    with ProgressStore(old_store) as store:
        mine = store.attempts(learner="李雷")
        history = store.history("李雷")
    want = [a for a in EXPECTED["attempts"] if a["learner"] == "李雷"]
    assert mine["attempt_id"].tolist() == [a["attempt_id"] for a in want]
    assert history["attempts"].sum() == len(want)


def test_reopening_is_idempotent_and_recording_continues_the_ids(old_store):
    ProgressStore(old_store).close()  # migrates (if older), at most once
    after_first = _sha256(old_store)
    with ProgressStore(old_store) as store:
        assert store.schema_version == SCHEMA_VERSION
        first = store.attempts()
    assert _sha256(old_store) == after_first  # an up-to-date store is not written to by opening it
    with ProgressStore(old_store, read_only=True) as store:
        pd.testing.assert_frame_equal(store.attempts(), first)
    with ProgressStore(old_store) as store:
        new_id = store.record_attempt(
            learner="李雷", case_id="loan-steering", variant_seed=1, drill="launch", item="launch call",
            choice="no-go", cost_usd=0.0, optimal_choice="no-go", optimal_cost_usd=0.0, time_taken_seconds=1.0,
        )  # fmt: skip
        assert new_id == max(a["attempt_id"] for a in EXPECTED["attempts"]) + 1
        assert len(store.attempts()) == len(EXPECTED["attempts"]) + 1


def test_a_store_from_a_newer_schema_is_refused_naming_the_file(old_store):
    ProgressStore(old_store).close()
    con = sqlite3.connect(old_store)
    con.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    con.close()
    before = _sha256(old_store)
    for read_only in (None, True):
        with pytest.raises(ProgressStoreError) as caught:
            ProgressStore(old_store, read_only=read_only)
        message = str(caught.value)
        assert message.startswith(f"{old_store}: ")
        assert f"schema version {SCHEMA_VERSION + 1} was written by a newer nogo" in message
        assert "upgrade nogo" in message and "left untouched" in message
    assert _sha256(old_store) == before


# --- schema version 3 (issue 14, item 9): new drills, confidence, score, justification --------------

_V2_COLUMNS = [
    "attempt_id", "learner", "case_id", "variant_seed", "drill", "item", "choice", "cost_usd",
    "optimal_choice", "optimal_cost_usd", "time_taken_seconds", "timestamp_utc", "session_id",
]  # fmt: skip


def test_the_upgrade_to_version_3_copies_every_stored_row_byte_for_byte(old_store):
    """Read with plain sqlite3 before and after: every v2 column of every attempt and every mark is
    the same value of the same SQLite type, and the new columns are empty on the old attempts."""
    assert EXPECTED["schema_version"] == 2 < SCHEMA_VERSION
    columns = ", ".join(f"{c}, typeof({c})" for c in _V2_COLUMNS)
    before = _raw(old_store, f"SELECT {columns} FROM attempts ORDER BY attempt_id")
    marks_before = _raw(old_store, "SELECT * FROM rubric_marks ORDER BY mark_id")
    ProgressStore(old_store).close()
    assert _raw(old_store, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert _raw(old_store, f"SELECT {columns} FROM attempts ORDER BY attempt_id") == before
    assert _raw(old_store, "SELECT * FROM rubric_marks ORDER BY mark_id") == marks_before
    assert _raw(old_store, "SELECT count(*) FROM attempts WHERE confidence IS NOT NULL OR score IS NOT NULL "
                "OR justification IS NOT NULL") == [(0,)]  # fmt: skip
    assert _raw(old_store, "PRAGMA foreign_key_check") == []  # every mark still points at its attempt
    assert _raw(old_store, "PRAGMA integrity_check") == [("ok",)]
    names = {r[0] for r in _raw(old_store, "SELECT name FROM sqlite_master")}
    assert names == {"attempts", "rubric_marks", "attempts_by_learner", "rubric_marks_by_learner"}


def test_the_upgraded_store_takes_the_new_drills_with_confidence_and_keeps_its_checks(old_store):
    new = [
        ("commit", "call", "ship", "no-go", {"confidence": 0.7, "justification": "desk is staffed"}),
        ("premortem", "failure modes", "b > a > c", "a > b > c", {"score": 0.5}),
        ("signature", "levers", "cap=2", "cap=2", {}),
    ]
    common = dict(learner="ana", case_id="loan-steering", variant_seed=3, cost_usd=0.0, optimal_cost_usd=0.0)
    with ProgressStore(old_store) as store:
        ids = [
            store.record_attempt(
                **common, drill=d, item=i, choice=c, optimal_choice=b, time_taken_seconds=20.0, **extra
            )
            for d, i, c, b, extra in new
        ]
        got = store.attempts().set_index("attempt_id").loc[ids]
        old = store.attempts().set_index("attempt_id").drop(index=ids)
    assert got["drill"].tolist() == ["commit", "premortem", "signature"]
    assert got["confidence"].tolist()[0] == 0.7 and got["confidence"].iloc[1:].isna().all()
    assert got["score"].iloc[1] == 0.5 and got["justification"].iloc[0] == "desk is staffed"
    assert got["justification"].iloc[1:].isna().all()
    assert got["correct"].tolist() == [False, False, True]
    assert len(old) == len(EXPECTED["attempts"]) and old["confidence"].isna().all()
    assert old["justification"].isna().all() and old["score"].isna().all()
    con = sqlite3.connect(old_store)
    try:  # the rebuilt table still refuses what the old one did, and new bounds hold
        for bad in ("drill = 'quiz'", "confidence = 1.5", "cost_usd = -1"):
            with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
                con.execute(f"UPDATE attempts SET {bad} WHERE attempt_id = ?", (ids[0],))
    finally:
        con.close()


def test_a_failed_upgrade_to_version_3_leaves_the_version_2_store_as_it_was(old_store):
    con = sqlite3.connect(old_store)
    con.execute("CREATE TABLE attempts_v3 (x)")  # makes the rebuild's first statement fail
    con.commit()
    con.close()
    rows = _raw(old_store, "SELECT * FROM attempts ORDER BY attempt_id")
    with pytest.raises(ProgressStoreError, match=r"could not open the progress store \(table attempts_v3"):
        ProgressStore(old_store)
    assert _raw(old_store, "PRAGMA user_version") == [(2,)]
    assert _raw(old_store, "SELECT * FROM attempts ORDER BY attempt_id") == rows
    assert "confidence" not in [r[1] for r in _raw(old_store, "PRAGMA table_info(attempts)")]
