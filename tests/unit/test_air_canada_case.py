"""The Air Canada chatbot case (``air-canada-chatbot``): its calls follow its own simulation, its record
figures say truthfully what they are, and its hard rules matter (issue 17)."""

from __future__ import annotations

import numpy as np
import pytest

import nogo
from nogo.cases.segment_policy import segment_costs

PROJECT = nogo.Project.find()
CASE = PROJECT.case("air-canada-chatbot")
BAGGAGE, REFUNDS, CLAIMS = (
    "baggage and check-in rules",
    "refunds and bereavement fares",
    "complaints and compensation claims",
)


def _answers_alone_somewhere(values: dict) -> bool:
    """Whether the cheapest intent table that keeps the hard rules lets the assistant answer anything alone."""
    case = nogo.open_case(CASE, PROJECT.data)
    best, _ = case.signature_task(case.build(values)).optimum()
    return "act" in best.values()


@pytest.mark.parametrize("accuracy", CASE.parameters["grounded_accuracy"].choices)
@pytest.mark.parametrize(("seed", "n_decisions"), [(1, 2000), (2, 4000), (20240214, 3000)])
def test_the_call_follows_the_simulation_no_go_exactly_when_nothing_is_answered_alone(
    accuracy, seed, n_decisions
):
    values = {"grounded_accuracy": accuracy, "seed": seed, "n_decisions": n_decisions}
    call = CASE.call_for(values).call
    assert (call == "no-go") == (not _answers_alone_somewhere(values)), (accuracy, seed, call)


def test_variants_reach_both_calls_and_the_defaults_reach_the_drills_call():
    calls = [CASE.call_for(CASE.variant(seed)).call for seed in range(20)]
    assert set(calls) == {"no-go", "ship with guardrails"}, calls
    assert CASE.call_for(CASE.defaults()).call == CASE.drill.launch_call == "ship with guardrails"
    assert CASE.call_for(CASE.defaults()).key_guardrails == CASE.drill.key_guardrails


def test_the_claim_is_reproduced_from_the_fares_and_the_quoted_bereavement_fare():
    fig = {f.name: f for f in CASE.published_figures}
    claim = (
        fig["outbound_fare_usd"].value + fig["return_fare_usd"].value - 2 * fig["bereavement_fare_usd"].value
    )
    assert claim == pytest.approx(880.36)
    table = CASE.compare_figures(
        {**{n: f.value for n, f in fig.items() if n != "claimed_usd"}, "claimed_usd": claim}
    )
    assert table["within_tolerance"].all()
    assert fig["claimed_usd"].kind == "reproduced"
    assert {f.kind for n, f in fig.items() if n != "claimed_usd"} == {"input"}


def test_the_award_is_marked_secondary_and_the_unverified_split_is_left_out():
    award = CASE.figure("damages_usd")
    assert award.status == "SEEN-2nd" and award.note and award.cited_as.endswith("(secondary source)")
    values = {f.value for f in CASE.published_figures}
    assert not values & {812.02, 36.14, 125.0}


def test_the_hard_rules_bind_the_intents_they_name_and_the_claims_rule_changes_the_answer():
    case = nogo.open_case(CASE, PROJECT.data)
    data = case.build()
    table = segment_costs(data).set_index("segment")
    assert table.loc[REFUNDS, "forbidden"] == ("act",) and table.loc[CLAIMS, "forbidden"] == ("decline",)
    # refusing a claim is the cheapest answer on paper: the rule, not the costs, sends it to a person
    claims = table.loc[CLAIMS]
    assert claims["decline_usd"] < claims["escalate_usd"] and claims["optimal"] == "escalate"
    assert table.loc[BAGGAGE, "optimal"] == "act"


def test_the_naive_rule_answers_the_forbidden_refund_questions_alone():
    case = nogo.open_case(CASE, PROJECT.data)
    data = case.build()
    refunds = (data.log["segment"] == REFUNDS).to_numpy()
    answered = data.log["score"].to_numpy()[refunds] >= CASE.drill.naive_confidence
    assert answered.mean() > 0.5  # the stated confidence there exaggerates: a cut-off on it breaks the rule
    assert np.mean(data.p[refunds]) < CASE.drill.naive_confidence


def test_the_case_has_every_judgement_field():
    drill = CASE.drill
    assert drill.distractors and all(d.why for d in drill.distractors) and drill.max_guardrails
    assert {e.deciding for e in drill.evidence} == {True, False}
    assert len(CASE.failure_modes) >= 3 and CASE.signature is not None
    assert all(c.debrief for c in CASE.calls) and set(CASE.concepts) <= set(nogo.CONCEPTS)
