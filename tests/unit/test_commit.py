"""Commit, then learn (issue 14, item 1): the committed call and confidence, nothing of the answer in the
widget, one "commit" attempt with its confidence, and the Brier comparison worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

import nogo
from nogo.errors import InputError
from nogo.practice.commit import CommitCall, Commitment, compare_commitment

ROOT = Path(__file__).resolve().parents[2]


class StandInStore:
    """Records what a widget asks the progress store to keep (the fields of ``record_attempt``)."""

    def __init__(self) -> None:
        self.attempts: list[dict] = []

    def record_attempt(self, **fields) -> int:
        self.attempts.append(fields)
        return len(self.attempts)


@pytest.fixture(scope="module")
def case():
    return nogo.load_case(ROOT / "casebook" / "_template.yaml")


def _clock():
    return iter([5.0, 17.5]).__next__


def _with_calls(case, *calls):
    return case.model_copy(update={"calls": list(calls)})


def _state(widget) -> list:
    """Everything a learner (or code) can read off the widget: every control's value, label and options,
    every HTML box, the summary, the repr and the fallback a saved notebook keeps; the case file itself is
    left out."""
    seen, out, todo = set(), [], [widget.view]
    while todo:
        w = todo.pop()
        if id(w) in seen:
            continue
        seen.add(id(w))
        for name in ("value", "description", "options", "placeholder", "disabled", "tooltip"):
            if hasattr(w, name):
                out.append((type(w).__name__, name, repr(getattr(w, name))))
        todo += list(getattr(w, "children", ()))
    own = {k: repr(v) for k, v in vars(widget).items() if k not in ("case_file", "case", "clock")}
    fallback = widget._repr_mimebundle_()
    return [*out, sorted(own.items(), key=str), widget.summary_text(), repr(widget), fallback["text/plain"],
            fallback["text/html"]]  # fmt: skip


def test_commitment_is_stored_with_its_confidence_and_the_variants_call(case):
    no_go = nogo.Call(call="no-go", when=[nogo.Condition(parameter="review_usd", at_least=10)],
                      debrief="Review cannot pay for itself.")  # fmt: skip
    flipping = _with_calls(case, no_go, *case.calls)
    store = StandInStore()
    c = CommitCall(flipping, {"review_usd": 12.0}, store=store, learner="ana", variant_seed=4, clock=_clock())
    got = c.commit("ship with guardrails", 0.7)
    assert got == Commitment("ship with guardrails", 0.7) and c.committed == got and c.attempt_id == 1
    assert store.attempts == [dict(
        learner="ana", case_id="template", variant_seed=4, drill="commit", item="launch call",
        choice="ship with guardrails", cost_usd=0.0, optimal_choice="no-go", optimal_cost_usd=0.0,
        time_taken_seconds=12.5, confidence=0.7,
    )]  # fmt: skip
    # at the defaults (review_usd 6.0, below 10) the same case file's call is the template's own
    c2 = CommitCall(flipping, {}, store=store, learner="ana", clock=_clock())
    c2.commit("no-go", 0.55)
    assert store.attempts[-1]["optimal_choice"] == case.drill.launch_call == "ship with guardrails"


def test_commitment_goes_to_the_progress_store_as_a_commit_with_its_confidence(case, tmp_path):
    path = tmp_path / "p.sqlite3"
    store = nogo.ProgressStore(path)
    CommitCall(case, {}, store=store, learner="ana", variant_seed=9, clock=_clock()).commit("no-go", 0.8)
    CommitCall(case, {}, store=store, learner="ana", variant_seed=9, clock=_clock()).commit(case.drill.launch_call, 0.6)
    store.close()
    a = nogo.ProgressStore(path).attempts("ana")
    assert a["drill"].tolist() == ["commit", "commit"] and a["confidence"].tolist() == [0.8, 0.6]
    assert a["correct"].tolist() == [False, True]  # the template's call is ship with guardrails
    assert (a["optimal_choice"] == "ship with guardrails").all() and (a["time_taken_seconds"] == 12.5).all()


def test_nothing_of_the_answer_is_in_the_widget_before_or_after_committing(case, capsys):
    other = case.model_copy(update={
        "debrief": "A different debrief.", "calls": [nogo.Call(call="no-go", debrief="Never ship this.")],
        "drill": case.drill.model_copy(update={"launch_call": "no-go", "key_guardrails": []}),
    })  # fmt: skip
    a, b = CommitCall(case, {}, clock=lambda: 0.0), CommitCall(other, {}, clock=lambda: 0.0)
    assert _state(a) == _state(b)  # the same widget whatever the case's call, debrief and key guardrails
    assert capsys.readouterr().out == ""  # nothing printed: the widget says where it stands
    assert "not committed yet" in a._repr_mimebundle_()["text/plain"]  # the saved notebook's fallback
    assert "Not committed yet" in a.status_html.value
    for text in (case.debrief, *case.drill.key_guardrails, *(c.debrief for c in case.calls)):
        assert all(text not in str(s) for s in _state(a))
    a.commit("no-go", 0.9)
    b.commit("no-go", 0.9)
    assert _state(a) == _state(b)
    assert a.summary_text() == "Commit on template (me): no-go, 90% sure. The launch call at the end compares it with the case's."


def test_the_buttons_commit_once_and_bad_answers_say_what_is_needed(case):
    store = StandInStore()
    c = CommitCall(case, {}, store=store, learner="  ", clock=_clock())
    c.commit_button.click()
    assert c.error == "call: choose one of ship, ship with guardrails, no-go" and c.committed is None
    c.call.value = "ship"
    c.commit_button.click()
    assert c.error == "confidence: choose how sure you are that the call is right" and store.attempts == []
    c.confidence.value = 0.4
    c.commit_button.click()
    assert c.error is None and c.committed == Commitment("ship", 0.4)
    assert store.attempts[0]["learner"] == "me" and store.attempts[0]["confidence"] == 0.4
    assert all(w.disabled for w in (c.call, c.confidence, c.commit_button))
    assert "ship, 40% sure" in c.status_html.value
    c.commit_button.click()
    assert "already committed" in c.error and len(store.attempts) == 1
    with pytest.raises(InputError, match="already committed"):
        c.commit("no-go", 0.5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("launch", 0.5), r"call: expected one of 'ship', 'ship with guardrails', 'no-go', got 'launch'"),
        (("ship", 1.5), r"confidence: expected your chance that the call is right, a number from 0 to 1 .* got 1.5"),
        (("ship", True), r"confidence: .* got True"),
        (("ship", "70%"), r"confidence: .* got '70%'"),
        (("ship", -0.1), r"confidence: .* got -0.1"),
    ],
)
def test_bad_commitments_get_clear_messages(case, args, message):
    c = CommitCall(case, {})
    with pytest.raises(InputError, match=message):
        c.commit(*args)
    assert c.committed is None


def test_bad_arguments_are_named(case):
    with pytest.raises(InputError, match=r"unknown parameter\(s\) cost_usd"):
        CommitCall(case, {"cost_usd": 1.0})
    with pytest.raises(InputError, match="parameters: expected a mapping"):
        CommitCall(case, [1, 2])
    with pytest.raises(InputError, match=r"variant_seed: expected a whole number >= 0, got -1"):
        CommitCall(case, {}, variant_seed=-1)


@pytest.mark.parametrize(
    ("call", "confidence", "expected", "right", "brier"),
    [
        ("no-go", 0.8, "no-go", True, 0.04),  # (0.8 - 1)^2
        ("no-go", 0.8, "ship", False, 0.64),  # (0.8 - 0)^2
        ("ship", 0.5, "ship", True, 0.25),
        ("ship", 0.5, "no-go", False, 0.25),  # 50% scores 0.25 whatever happens
        ("ship with guardrails", 1.0, "ship with guardrails", True, 0.0),
        ("ship with guardrails", 1.0, "no-go", False, 1.0),
    ],
)
def test_comparison_is_the_brier_score_of_the_confidence(call, confidence, expected, right, brier):
    r = compare_commitment(Commitment(call, confidence), expected)
    assert r.right == right and r.brier == pytest.approx(brier)
    text = r.to_text()
    assert text.startswith(f"Before the analysis you committed to {call}, {round(confidence * 100)}% sure: ")
    assert f"Brier score {brier:.2f}" in text and f"the case's call for this variant is {expected}" in text
    assert r.to_text(call).endswith(f"you kept it ({call}).")
    other = next(c for c in nogo.LAUNCH_CALLS if c != call)
    assert r.to_text(other).endswith(f"you changed it to {other}.")


def test_the_status_line_follows_the_choices_then_shows_the_commitment(case):
    c = CommitCall(case, {}, clock=lambda: 0.0)
    assert "choose your call and how sure you are" in c.status_html.value
    c.call.value = "no-go"
    assert "your call is no-go; choose how sure you are" in c.status_html.value
    c.confidence.value = 0.7
    assert "no-go, 70% sure. Press Commit" in c.status_html.value
    c.commit_button.click()
    assert c.committed == Commitment("no-go", 0.7)
    assert "Committed: no-go, 70% sure" in c.status_html.value
    assert "no call committed yet" not in str(c.attempt_record())
    assert CommitCall(case, {}).record_text() == "no call committed yet."
