"""The template's signature task: the per-segment table, scored as the segment drill scores it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.cases.casefile import load_case
from nogo.cases.segment_policy import SegmentTask, segment_costs
from nogo.cases.signature import SignatureTask
from nogo.models.costs import ACTIONS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data() -> nogo.CaseData:
    case = nogo.open_case(load_case(ROOT / "casebook" / "_template.yaml"), data_root=ROOT / "data")
    return case.build()


@pytest.fixture(scope="module")
def task(data) -> SegmentTask:
    case = nogo.open_case(load_case(ROOT / "casebook" / "_template.yaml"), data_root=ROOT / "data")
    out = case.signature_task(data)
    assert isinstance(out, SegmentTask)
    return out


def _row_by_row(data, table: dict[str, str]) -> tuple[float, bool]:
    """Total expected cost of ``table`` over the log, decision by decision at p_true, and rules kept."""
    costs = data.costs.expected(data.log["p_true"].to_numpy())
    k = np.array([ACTIONS.index(table[s]) for s in data.log["segment"]])
    rows = np.arange(len(k))
    return float(costs[rows, k].sum()), bool(data.allowed()[rows, k].all())


def test_one_lever_per_segment_in_the_case_files_order_with_what_the_card_shows(task, data):
    names = list(data.log.attrs["segments"])
    assert [lever.name for lever in task.levers] == [n for n in names if n in set(data.log["segment"])]
    assert all(lever.choices == ACTIONS for lever in task.levers)  # the template has a desk
    bound = [lever for lever in task.levers if "none" not in lever.help.split("hard rules: ")[1]]
    assert bound, "the template's hard rule binds at least one segment and its lever says so"


def test_the_optimum_is_the_exhaustive_searchs_and_keeps_the_rules(task, data):
    fast = task.optimum()
    slow = SignatureTask.optimum(task)  # every one of the 3^k tables on the simulation
    assert fast[0] == slow[0]
    assert fast[1].cost_usd == pytest.approx(slow[1].cost_usd, rel=1e-12)
    cost, keeps = _row_by_row(data, fast[0])
    assert keeps and fast[1].cost_usd == pytest.approx(cost, rel=1e-9)
    assert not fast[1].broken_rules


def test_every_tables_regret_is_the_segment_drills_and_rule_breakers_are_never_correct(task, data):
    best_cost = task.optimum()[1].cost_usd
    for table in task.settings():
        score = task.score(table)
        drill = nogo.score_segment_policy(data, table)
        assert score.regret_usd == pytest.approx(drill.regret_usd, rel=1e-9, abs=1e-6)
        assert score.correct == drill.correct
        cost, keeps = _row_by_row(data, table)
        assert bool(score.outcome.broken_rules) == (not keeps)
        if keeps:  # a table that keeps the rules costs what it costs, decision by decision
            assert score.outcome.cost_usd == pytest.approx(cost, rel=1e-9)
            assert score.regret_usd == pytest.approx(cost - best_cost, rel=1e-9, abs=1e-6)
        else:
            assert not score.correct


def test_the_signature_drill_drives_the_table_and_reveals_the_optimum_only_after_submitting(task, capsys):
    drill = nogo.SignatureDrill(task, case_id="template", variant_seed=0)
    best = task.optimum()[0]
    before = drill.summary_text() + capsys.readouterr().out
    assert "Best setting" not in before
    drill.set({name: "escalate" for name in best})
    score = drill.submit()
    assert score.best_choices == best
    assert "Best setting" in drill.summary_text()
    costs = segment_costs(task.data)
    assert dict(zip(costs["segment"], costs["optimal"], strict=True)) == best
