"""The template carries what issue 14 asks of a case: calls a varied parameter flips, by the case's numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

import nogo
from nogo.cases.casefile import load_case

ROOT = Path(__file__).resolve().parents[2]
CASE = load_case(ROOT / "casebook" / "_template.yaml")
SEEDS = range(20)


def _acts_alone_somewhere(values) -> bool:
    """Whether the cheapest segment table that keeps the hard rules lets the agent settle anything alone."""
    case = nogo.open_case(CASE, data_root=ROOT / "data")
    data = case.build(values)
    best, _ = case.signature_task(data).optimum()
    return "act" in best.values()


def test_twenty_variants_reach_at_least_two_calls():
    calls = [CASE.call_for(CASE.variant(seed)).call for seed in SEEDS]
    assert len(set(calls)) >= 2, calls
    assert CASE.call_for(CASE.defaults()).call == CASE.drill.launch_call


@pytest.mark.parametrize("accuracy", CASE.parameters["small_accuracy"].choices)
@pytest.mark.parametrize("review_usd", [3.0, 12.0])  # the ends of the review cost's variant range
def test_the_call_follows_the_simulation_no_go_exactly_when_nothing_is_settled_alone(accuracy, review_usd):
    values = {"small_accuracy": accuracy, "review_usd": review_usd, "n_decisions": 5000}
    call = CASE.call_for(values).call
    assert (call == "no-go") == (not _acts_alone_somewhere(values)), (accuracy, review_usd, call)


def test_the_template_has_every_judgement_field():
    drill = CASE.drill
    assert drill.distractors and drill.max_guardrails and CASE.signature is not None
    assert {e.deciding for e in drill.evidence} == {True, False}
    assert len(CASE.failure_modes) >= 3
    assert all(c.debrief for c in CASE.calls)
