"""The signature drill widget: nothing of the answer before Submit, the score from the task, the store's row."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

import nogo
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError
from nogo.practice.progress.attempt import DRILLS
from nogo.practice.signature_drill import SignatureDrill, choice_label, setting_text

BEST_STORY = "The cap held the loop at twice the reference price."
RULE = "a person approves any price above 10x the reference"


class Loop(SignatureTask):
    """Two levers; cost = cap loss + kill-switch fee; the cheapest setting overall breaks a hard rule."""

    question = "Where do you cap the repricing loop, and do you arm the kill switch?"
    levers = (
        Lever("cap", "price cap", (1.5, 2.0, 10.0, 100.0), unit="x reference", help="the highest price"),
        Lever("kill", "kill switch", ("off", "on"), help="stops the loop on a spike"),
    )

    def evaluate(self, choices):
        cap, kill = choices["cap"], choices["kill"]
        cost = 100.0 * cap + 1000.0 / cap + (50.0 if kill == "on" else 0.0) - (300.0 if cap == 100.0 else 0)
        cost = 0.5 if cap == 100.0 else cost  # the cheapest of all, but it breaks the rule
        rules = (RULE,) if cap == 100.0 else ()
        story = BEST_STORY if (cap, kill) == (2.0, "off") else f"cap {cap}, kill switch {kill}"
        return SignatureOutcome(cost, {"peak price (x reference)": cap}, rules, story)


def _costs():
    """Every setting's cost, worked out by hand from the formula (independent of the task's optimum)."""
    out = {}
    for cap, kill in itertools.product((1.5, 2.0, 10.0, 100.0), ("off", "on")):
        out[(cap, kill)] = 0.5 if cap == 100.0 else 100 * cap + 1000 / cap + (50 if kill == "on" else 0)
    return out


class FakeStore:
    def __init__(self):
        self.rows = []

    def record_attempt(self, **fields):
        self.rows.append(fields)
        return len(self.rows)


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def _visible_text(drill: SignatureDrill) -> str:
    """Everything the widget shows: its HTML parts, its controls' labels and options, its plain text."""
    parts = [drill.summary_text()]
    for child in drill.view.children:
        parts.append(str(getattr(child, "value", "")))
        parts.append(str(getattr(child, "description", "")))
        parts.extend(str(o) for o in getattr(child, "options", ()))
    return "\n".join(parts)


def test_before_submit_the_widget_shows_the_question_and_levers_but_no_answer(capsys):
    drill = SignatureDrill(Loop(), case_id="toy-case")
    assert capsys.readouterr().out == ""  # nothing printed: the widget says where it stands
    assert "Not submitted yet: 0 of 2 levers set." in drill.status_html.value
    fallback = drill._repr_mimebundle_()  # what a saved notebook keeps: the question and the levers
    shown = _visible_text(drill) + fallback["text/plain"] + fallback["text/html"]
    assert fallback["text/plain"] == drill.brief_text() == drill.summary_text()
    assert Loop.question in shown and "price cap" in shown and "stops the loop on a spike" in shown
    assert BEST_STORY not in shown and "Best setting" not in shown and "regret" not in shown.lower()
    assert all(c.value is None for c in drill.controls.values())  # no setting preselected
    assert drill.choices == {} and not drill.submitted


def test_a_submitted_setting_scores_its_regret_against_the_cheapest_setting_that_keeps_the_rules():
    costs = _costs()
    allowed = {k: v for k, v in costs.items() if k[0] != 100.0}
    best_key = min(allowed, key=allowed.get)
    assert best_key == (2.0, "off")
    for key, cost in allowed.items():
        drill = SignatureDrill(Loop(), case_id="toy-case")
        drill.set(cap=key[0], kill=key[1])
        score = drill.submit()
        assert score.regret_usd == pytest.approx(cost - allowed[best_key])
        assert score.correct == (key == best_key)
        assert dict(score.best_choices) == {"cap": 2.0, "kill": "off"}
        assert BEST_STORY in drill.result_html.value and BEST_STORY in drill.summary_text()


def test_breaking_a_rule_is_never_correct_and_is_named_even_when_cheaper():
    store = FakeStore()
    drill = SignatureDrill(Loop(), case_id="toy-case", store=store, learner="ana")
    drill.set({"cap": 100.0, "kill": "on"})
    score = drill.submit()
    assert not score.correct and score.regret_usd == 0.0  # cheaper, yet not correct
    assert f"Breaks a hard rule: {RULE}" in drill.summary_text()
    assert RULE in drill.result_html.value
    (row,) = store.rows
    assert row["choice"] != row["optimal_choice"]  # the store's `correct` is False too


def test_the_store_gets_one_signature_attempt_whose_correct_flag_matches_the_score():
    store, clock = FakeStore(), Clock()
    drill = SignatureDrill(
        Loop(), case_id="toy-case", store=store, learner="ana", variant_seed=7, clock=clock
    )
    drill.set(cap=10.0, kill="on")
    clock.t += 42.0
    drill.submit()
    (row,) = store.rows
    assert row == {
        "learner": "ana", "case_id": "toy-case", "variant_seed": 7, "drill": "signature",
        "item": Loop.question, "choice": "price cap: 10 x reference; kill switch: on",
        "cost_usd": pytest.approx(100 * 10 + 100 + 50), "optimal_choice": "price cap: 2 x reference; kill switch: off",
        "optimal_cost_usd": pytest.approx(200 + 500), "time_taken_seconds": 42.0,
    }  # fmt: skip
    assert drill.attempt_id == 1
    best = SignatureDrill(Loop(), case_id="toy-case", store=store, learner="ana")
    best.set(cap=2.0, kill="off")
    best.submit()
    assert store.rows[1]["choice"] == store.rows[1]["optimal_choice"]


def test_a_profit_is_stored_as_regret_against_zero():
    class Profit(Loop):
        def evaluate(self, choices):
            out = super().evaluate(choices)
            return SignatureOutcome(out.cost_usd - 10_000.0, out.metrics, out.broken_rules, out.story)

    store = FakeStore()
    drill = SignatureDrill(Profit(), case_id="toy-case", store=store, learner="ana")
    drill.set(cap=1.5, kill="off")
    drill.submit()
    row = store.rows[0]
    assert row["optimal_cost_usd"] == 0.0
    assert row["cost_usd"] == pytest.approx(150 + 1000 / 1.5 - 700)


@pytest.mark.skipif("signature" not in DRILLS, reason="the progress store does not keep signature drills yet")
def test_a_real_progress_store_keeps_the_attempt():
    store = nogo.ProgressStore(":memory:", clock=lambda: datetime(2026, 12, 7, tzinfo=UTC))
    drill = SignatureDrill(Loop(), case_id="toy-case", store=store, learner="ana")
    drill.set(cap=2.0, kill="off")
    drill.submit()
    rows = store.attempts()
    assert rows["drill"].tolist() == ["signature"] and rows["correct"].tolist() == [True]
    assert rows["regret_usd"].tolist() == [0.0]


def test_an_incomplete_setting_is_refused_and_the_click_shows_why():
    drill = SignatureDrill(Loop(), case_id="toy-case")
    drill.set(cap=2.0)
    with pytest.raises(InputError, match="kill switch"):
        drill.submit()
    drill.submit_button.click()
    assert drill.error and "kill switch" in drill.status_html.value and not drill.submitted
    drill.set(kill="on")
    assert "Not submitted yet: 2 of 2 levers set; press Submit." in drill.status_html.value  # live
    drill.submit_button.click()
    assert drill.submitted and drill.error is None
    assert "Submitted: your setting beside the best one" in drill.status_html.value
    assert all(c.disabled for c in drill.controls.values()) and drill.submit_button.disabled
    with pytest.raises(InputError, match="already submitted"):
        drill.submit()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cap": 3.0}, "cap: 3.0 is not one of"),
        ({"speed": 1}, "speed: not a lever"),
    ],
)
def test_set_names_the_bad_lever(kwargs, match):
    with pytest.raises(InputError, match=match):
        SignatureDrill(Loop(), case_id="toy-case").set(**kwargs)


def test_bad_arguments_are_named():
    with pytest.raises(InputError, match=r"task: expected a nogo\.SignatureTask"):
        SignatureDrill(object(), case_id="x")
    with pytest.raises(InputError, match="case_id"):
        SignatureDrill(Loop(), case_id="")
    with pytest.raises(InputError, match="variant_seed"):
        SignatureDrill(Loop(), case_id="x", variant_seed=-1)


def test_labels_read_as_the_learner_sees_them():
    lever = Loop.levers[0]
    assert [choice_label(lever, c) for c in lever.choices] == [
        "1.5 x reference", "2 x reference", "10 x reference", "100 x reference"
    ]  # fmt: skip
    assert setting_text(Loop(), {"cap": 1.5, "kill": "on"}) == "price cap: 1.5 x reference; kill switch: on"
    assert nogo.SignatureDrill is SignatureDrill


def test_metrics_and_choices_never_read_in_scientific_notation():
    """A setting's metrics (a dollar total of millions, a tiny rate) and a lever's fractional choices read as
    plain numbers: before, 12,345,678.9 showed as 1.235e+07 and a choice of 0.00001 as 1e-05."""
    from nogo.practice.signature_drill import _metric

    assert _metric(12_345_678.9) == "12,345,679"
    assert _metric(0.000012345) == "0.000012"
    assert _metric(3.14159) == "3.142" and _metric(2_000_000.0) == "2,000,000"
    lever = Lever("rate", "error budget", (0.00001, 0.5, 2.0), unit="share")
    assert [choice_label(lever, c) for c in lever.choices] == ["0.00001 share", "0.5 share", "2 share"]
    for text in (_metric(12_345_678.9), _metric(0.000012345), choice_label(lever, 0.00001)):
        assert "e+" not in text and "e-" not in text


def test_the_optimum_is_searched_once_per_task_and_each_caller_gets_its_own_copy():
    """Every task remembers its optimum (cases used to write the same memo six times): the settings are
    evaluated once however often the optimum is asked for, and a caller editing its copy changes nothing."""
    calls: list[dict] = []

    class Counted(SignatureTask):
        question = "Where do you cap the price?"
        levers = (Lever("cap", "price cap", (1.5, 2.0, 10.0)),)

        def evaluate(self, choices):
            calls.append(dict(choices))
            return SignatureOutcome(cost_usd=100 * choices["cap"] + 1000 / choices["cap"])

    task = Counted()
    first = task.optimum()
    first[0]["cap"] = 10.0  # the caller's copy
    assert task.optimum()[0] == {"cap": 2.0} and len(calls) == 3
    task.score({"cap": 10.0})
    assert len(calls) == 4  # scoring evaluates the learner's setting only
