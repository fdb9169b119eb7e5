"""The launch call cannot be gamed on any case of the casebook, nor on the template (issue 14, item 5):
at the defaults and on 20 coaching variants, of the five scripted learners only the one who makes the
variant's call, names and ranks its key guardrails and picks the deciding facts scores correct, and the
others fall at least 3 points short. Cases are enumerated from the casebook, never listed."""

from __future__ import annotations

import pytest

import nogo
from nogo.practice.launch_score import evidence_options, launch_options, score_launch
from tests.conftest import case_ids, project

PROJECT = project()
CASES = ["template", *case_ids(PROJECT)]


def _learners(case, values):
    right = case.call_for(values)
    deciding = [e.fact for e in case.drill.evidence if e.deciding]
    wrong = next(c for c in nogo.LAUNCH_CALLS if c != right.call)
    return {
        "tick every guardrail": ("ship with guardrails", launch_options(case, seed=7), evidence_options(case)),
        "right call, every guardrail": (right.call, launch_options(case, seed=7), evidence_options(case)),
        "distractors only": ("ship with guardrails", [d.guardrail for d in case.drill.distractors], []),
        "key guardrails, wrong call": (wrong, list(right.key_guardrails or case.drill.key_guardrails), deciding),
        "informed": (right.call, list(right.key_guardrails), deciding),
    }


@pytest.mark.parametrize("case_id", CASES)
def test_only_the_informed_learner_is_correct_at_the_defaults_and_on_variants(case_id):
    case = PROJECT.case(case_id)
    for seed in [None, *range(20)]:
        values = {} if seed is None else case.variant(seed)
        scores = {name: score_launch(case, call, picks, evidence=facts, parameters=values)
                  for name, (call, picks, facts) in _learners(case, values).items()}  # fmt: skip
        assert [n for n, f in scores.items() if f.correct] == ["informed"], (seed, scores["informed"].feedback)
        best = scores["informed"].points
        assert best == scores["informed"].max_points
        assert all(f.points <= best - 3 for n, f in scores.items() if n != "informed"), (
            seed, {n: f.points for n, f in scores.items()},
        )  # fmt: skip
