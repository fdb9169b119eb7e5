"""Build ``progress_v2.sqlite3.gz``: a progress store written by nogo as it was at commit 5e2296c.

The fixture behind ``tests/unit/test_progress_migration.py`` (issue 13, item 8: progress survives the
move). It is a schema-version-2 store written by the drills themselves, not by hand, so its item and
choice identifiers are exactly what the drills stored before the package was reorganised: two learners
(``ana`` and ``李雷``), each with a decision stream, two policy submissions, a launch call with the
coach's rubric marks linked to it, a mock interview's self-marks, and one attempt and one mark with a
``session_id`` (as a coaching session records them). Timestamps come from a fixed clock with
microseconds, so the test can check that none is rounded.

It also writes ``progress_v2_expected.json``: every attempt and rubric mark as that same old code read
them back (``ProgressStore.attempts()`` and ``rubric_marks()``), the independent record the test
compares the migrated store with.

Rebuild (only if the fixture must change; it is meant to stay as written by the old code)::

    git worktree add /tmp/old5e 5e2296c
    PYTHONPATH=/tmp/old5e/lib .venv/bin/python tests/unit/data/build_progress_v2.py /tmp/old5e
    git worktree remove /tmp/old5e

It uses only names ``nogo`` exported at top level at that commit, and the template case and casebook of
the project given as its argument (the old tree).
"""

from __future__ import annotations

import gzip
import itertools
import json
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nogo

HERE = Path(__file__).resolve().parent
LEARNERS = ("ana", "李雷")
T0 = datetime(2026, 11, 2, 9, 0, 0, 123456, tzinfo=UTC)


def _clock():
    """A store clock: T0, then 61.000007 s later each call (microseconds that must survive)."""
    ticks = itertools.count()
    return lambda: T0 + next(ticks) * timedelta(seconds=61, microseconds=7)


def _seconds(*times: float):
    return iter(times).__next__


def _costs(log):
    model = nogo.CostModel(
        [
            nogo.CostComponent("wrong action", "false_action", base_usd=5, value_share=1.0),
            nogo.CostComponent("missed", "missed", base_usd=2, value_share=0.2),
            nogo.CostComponent("review", "review", base_usd=25),
        ],
        reviewer_miss_rate=0.05,
    )
    return model.decision_costs(log["value_usd"])


def build(root: Path, out: Path) -> dict:
    case = nogo.load_case(root / "casebook" / "_template.yaml")
    project = nogo.Project(root)
    log = nogo.example_log(800, seed=11, overconfidence=0.8)
    costs = _costs(log)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "progress.sqlite3"
        store = nogo.ProgressStore(path, clock=_clock())
        for k, learner in enumerate(LEARNERS):
            stream = nogo.DecisionStream(
                case, log, log["p_true"], costs, seed=7 + k, store=store, learner=learner,
                clock=itertools.count(0, 3.25).__next__,
            )  # fmt: skip
            stream.run_scripted(["act", "escalate", "block", "decline", "act", "escalate"][: 4 + 2 * k])
            policy = nogo.PolicyDrill(
                case, log, log["p_true"], costs, days=30, store=store, learner=learner, variant_seed=3 + k,
                clock=_seconds(10.0, 55.5, 70.25),
            )  # fmt: skip
            policy.set(t_lo=0.3, t_hi=0.9, value_cap_usd=200.0, reviewers=4)
            policy.submit()
            policy.set(t_lo=0.5, t_hi=0.95, value_cap_usd=float("inf"), reviewers=2)
            policy.submit()
            launch = nogo.LaunchCall(case, store=store, learner=learner, marked_by="coach",
                                     clock=_seconds(10.0, 52.5))  # fmt: skip
            guardrails = list(case.drill.key_guardrails) if k == 0 else []
            call = case.drill.launch_call if k == 0 else "ship"
            launch.run_scripted(call, guardrails, "A wrong action costs $90 and nobody is on call at night.")
            launch.rubric.set(
                {"threshold_definition": 3, "failure_mode_prioritisation": "weak", "escalation_design": 2,
                 "incentive_alignment": 0},
                {"escalation_design": "no owner named — 'quote' \"double\""},
            )  # fmt: skip
            launch.rubric.save()
            interview = nogo.MockInterviewWidget(
                nogo.mock_interview(project, seed=4 + k), store=store, learner=learner
            )
            interview.run_scripted({"threshold_definition": "tie autonomy to the dollar cost"})
            interview.rubric.set(dict.fromkeys(nogo.RUBRIC_DIMENSIONS, 1 + k), {})
            interview.rubric.save()
            session = f"session-{k + 1}"
            attempt_id = store.record_attempt(
                learner=learner, case_id="loan-steering", variant_seed=2**32 - 1, drill="stream",
                item="decision 12345", choice="act", cost_usd=6738859.25, optimal_choice="escalate",
                optimal_cost_usd=0.000123, time_taken_seconds=0.5, session_id=session,
            )  # fmt: skip
            store.record_rubric(
                learner, "loan-steering", 2**32 - 1, "escalation_design", 2.5, 4, "coach's note",
                attempt_id=attempt_id, session_id=session,
            )  # fmt: skip
        expected = {
            "schema_version": store.schema_version,
            "attempts": _records(store.attempts()),
            "rubric_marks": _records(store.rubric_marks()),
        }
        store.close()
        con = sqlite3.connect(path)
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        out.write_bytes(gzip.compress(path.read_bytes(), mtime=0))
    return expected


def _plain(value):
    """A JSON value: Python scalars (floats keep every digit), None for missing, ISO text for times."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or value != value or str(value) == "<NA>":
        return None
    return value.item() if hasattr(value, "item") else value


def _records(frame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


if __name__ == "__main__":
    expected = build(Path(sys.argv[1]).resolve(), HERE / "progress_v2.sqlite3.gz")
    rows = [
        f'"{name}": [\n' + ",\n".join(json.dumps(r, ensure_ascii=False) for r in expected[name]) + "\n]"
        for name in ("attempts", "rubric_marks")
    ]
    text = "{" + ",\n".join([f'"schema_version": {expected["schema_version"]}', *rows]) + "}\n"
    (HERE / "progress_v2_expected.json").write_text(text, encoding="utf-8")
    print(f"{len(expected['attempts'])} attempts, {len(expected['rubric_marks'])} marks, "
          f"schema version {expected['schema_version']}")  # fmt: skip
