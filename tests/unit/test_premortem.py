"""The pre-mortem (issue 14, item 6): the scoring against a brute-force reference and scipy, scripted
learners on every case with failure modes (its own ranking scores 1, the reverse scores worst), and the
widget's state (nothing of the answer before submitting, one attempt in the store after)."""

from __future__ import annotations

import html
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

import nogo
from nogo.cases.casefile import FailureMode
from nogo.errors import InputError
from nogo.practice.premortem import Premortem, score_premortem

PROJECT = nogo.Project.find()
WITH_MODES = [
    c for c in [*PROJECT.cases(), nogo.load_case(PROJECT.casebook / "_template.yaml")] if c.failure_modes
]


def _modes(spec):
    return [
        FailureMode(name=f"m{k}", likelihood=lk, severity=s, why=f"why {k}") for k, (lk, s) in enumerate(spec)
    ]


def _brute(modes, ranking):
    """Independent reference: the best scipy Spearman rho over every order the case's numbers allow
    (harm, then severity, non-increasing), and whether a worst one is in the top two."""
    key = {m.name: (m.likelihood * m.severity, m.severity) for m in modes}
    mine = [ranking.index(m.name) for m in modes]
    best = -np.inf
    for order in itertools.permutations([m.name for m in modes]):
        if all(key[a] >= key[b] for a, b in itertools.pairwise(order)):
            theirs = [order.index(m.name) for m in modes]
            best = max(best, spearmanr(mine, theirs).statistic)
    top = max(key.values())
    return best, any(key[name] == top for name in ranking[:2])


@settings(max_examples=150, deadline=None)
@given(
    spec=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=2, max_size=6),
    data=st.data(),
)
def test_score_matches_the_brute_force_reference_with_ties(spec, data):
    modes = _modes(spec)
    ranking = data.draw(st.permutations([m.name for m in modes]))
    got = score_premortem(modes, ranking)
    rho, top_two = _brute(modes, list(ranking))
    assert got.spearman_rho == pytest.approx(rho, abs=1e-12)
    assert got.worst_in_top_two == top_two
    assert got.correct == (got.spearman_rho == 1.0)
    assert 0.0 <= got.regret <= 2.0


def test_a_tie_may_be_ranked_either_way_but_not_below_a_lesser_mode():
    modes = _modes([(2, 3), (3, 2), (2, 3), (1, 1)])  # m0 and m2 tie (6, severity 3); m1 is 6 but less severe
    for first, second in (("m0", "m2"), ("m2", "m0")):
        s = score_premortem(modes, [first, second, "m1", "m3"])
        assert s.spearman_rho == 1.0 and s.correct and s.reference == (first, second, "m1", "m3")
        assert set(s.worst) == {"m0", "m2"}
    s = score_premortem(modes, ["m1", "m0", "m2", "m3"])
    assert s.spearman_rho == pytest.approx(1 - 6 * (4 + 1 + 1) / (4 * 15)) and not s.correct


@pytest.mark.parametrize("case_file", WITH_MODES, ids=lambda c: c.id)
def test_scripted_learners_the_cases_ranking_scores_one_and_its_reverse_scores_worst(case_file):
    assert len(case_file.failure_modes) >= 3
    own = [m.name for m in case_file.ranked_failure_modes]
    best = score_premortem(case_file, own)
    assert (best.spearman_rho, best.worst_in_top_two, best.correct) == (1.0, True, True)
    worst = score_premortem(case_file, own[::-1])
    assert not worst.worst_in_top_two and not worst.correct
    names = [m.name for m in case_file.failure_modes]
    every = [score_premortem(case_file, p).spearman_rho for p in itertools.permutations(names)]
    assert worst.spearman_rho == pytest.approx(min(every), abs=1e-12)  # no ranking scores lower
    assert worst.spearman_rho < 0
    file_order = score_premortem(case_file, names)  # the learner who keeps the file's order
    assert worst.spearman_rho <= file_order.spearman_rho <= 1.0


def test_a_ranking_that_is_not_a_ranking_is_refused_naming_the_problem():
    modes = _modes([(1, 2), (3, 4), (5, 5)])
    with pytest.raises(InputError, match=r"ranking: 'mX' is not one of the case's failure modes"):
        score_premortem(modes, ["m0", "m1", "mX"])
    with pytest.raises(InputError, match=r"ranking: 'm1' is ranked twice"):
        score_premortem(modes, ["m1", "m1", "m2"])
    with pytest.raises(InputError, match=r"ranking: 'm2' not ranked; rank every failure mode"):
        score_premortem(modes, ["m0", "m1"])
    with pytest.raises(InputError, match=r"failure_modes: the list lists 1; a pre-mortem needs two"):
        score_premortem(modes[:1], ["m0"])


class _Store:
    """A stand-in store: keeps what the widget records."""

    def __init__(self):
        self.rows = []

    def record_attempt(self, **fields):
        self.rows.append(fields)
        return len(self.rows)


def _template():
    return nogo.load_case(PROJECT.casebook / "_template.yaml")


def test_the_widget_shows_nothing_of_the_answer_before_submitting():
    case_file = _template()
    drill = Premortem(case_file, learner="ana", variant_seed=4)
    names = [m.name for m in case_file.failure_modes]
    assert [d.value for d in drill.ranks] == [None] * len(names)  # no order preselected
    assert [v for _, v in drill.ranks[0].options] == sorted(names, key=str.casefold)
    shown = drill.summary_text() + "".join(
        getattr(c, "value", "") or "" for c in drill.view.children if not hasattr(c, "options")
    )
    for mode in case_file.failure_modes:
        assert mode.why not in shown
    assert "likelihood x severity" not in shown.lower() and drill.result is None


def test_the_widget_records_one_attempt_with_its_rank_correlation(capsys):
    case_file = _template()
    store = nogo.ProgressStore(":memory:")
    drill = Premortem(case_file, store=store, learner="ana", variant_seed=4, clock=iter([0.0, 42.0]).__next__)
    own = [m.name for m in case_file.ranked_failure_modes]
    assert "Not submitted yet: 0 of" in drill.status_html.value
    result = drill.run_scripted(own[::-1])
    assert capsys.readouterr().out == ""  # the verdict is on the page, not printed beside it
    assert "Rank correlation with the case's ranking" in drill.feedback_html.value
    assert html.escape(case_file.failure_modes[0].why) in drill.feedback_html.value
    assert drill.record_text() == result.to_text()
    assert "Submitted: the case's ranking" in drill.status_html.value.replace("&#x27;", "'")
    assert all(d.disabled for d in drill.ranks) and drill.submit_button.disabled
    row = store.attempts().iloc[0]
    assert (row["drill"], row["item"], row["variant_seed"], row["time_taken_seconds"]) == (
        "premortem", "failure modes", 4, 42.0,
    )  # fmt: skip
    assert row["choice"] == " > ".join(own[::-1]) and row["optimal_choice"] == " > ".join(own)
    assert row["score"] == result.spearman_rho < 0 and not row["correct"]
    assert np.isnan(row["confidence"]) and row["regret_usd"] == 0.0
    with pytest.raises(InputError, match="already submitted"):
        drill.submit()
    assert len(store.attempts()) == 1


def test_clicking_with_a_rank_left_empty_shows_the_problem_and_records_nothing():
    store = _Store()
    drill = Premortem(_template(), store=store)
    drill.ranks[0].value = drill.ranks[0].options[0][1]
    drill.submit_button.click()
    assert drill.result is None and store.rows == []
    assert drill.error.startswith("ranking: choose a failure mode for rank 2")
    assert "rank 2" in drill.status_html.value
    drill.ranks[1].value = drill.ranks[0].value  # the same mode twice
    for d, (_, name) in zip(drill.ranks[2:], drill.ranks[0].options[2:], strict=True):
        d.value = name
    assert f"chosen twice: {drill.ranks[0].value}" in drill.status_html.value  # said before the click
    drill.submit_button.click()
    assert "ranked twice" in drill.error and store.rows == []
    drill.ranks[1].value = drill.ranks[0].options[1][1]
    drill.submit_button.click()
    assert drill.result is not None and len(store.rows) == 1 and store.rows[0]["learner"] == "me"
