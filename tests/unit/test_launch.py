"""Launch call: scoring against the case's call and key guardrails (checked against an enumeration of
every call and guardrail set), the justification and rubric validation messages, the widgets headless,
and persistence of the attempt and the rubric marks through a reopened progress store."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import nogo
from nogo.errors import InputError
from nogo.practice.launch import (
    MIN_JUSTIFICATION_CHARS,
    RUBRIC_SCALE,
    LaunchCall,
    RubricChecklist,
    check_justification,
    rubric_marks,
    rubric_text,
    score_launch,
)

ROOT = Path(__file__).resolve().parents[2]
WHY = "A wrong action costs $90 and nobody is on call at night, so cap the value a person must approve."
CAP, KILL, AUDIT = (
    "a value cap above which a person approves",
    "a kill switch on the running loss",
    "a weekly audit of a random sample of actions",
)
MARKS = {"threshold_definition": 3, "failure_mode_prioritisation": "weak", "escalation_design": 2,
         "incentive_alignment": "Missing"}  # fmt: skip


@pytest.fixture(scope="module")
def case():
    return nogo.load_case(ROOT / "tests" / "unit" / "data" / "template.yaml")  # the frozen template


def _with_call(case, call, key=()):
    return case.model_copy(
        update={"drill": case.drill.model_copy(update={"launch_call": call, "key_guardrails": list(key)})}
    )


# --- score_launch ---------------------------------------------------------------------------------


def test_right_call_with_the_key_guardrail_is_correct(case):
    f = score_launch(case, "ship with guardrails", [CAP], WHY)
    assert f.right_call and f.correct and f.missing_guardrails == () and f.extra_guardrails == ()
    assert f.feedback == f"Right call: ship with guardrails, with the key guardrail(s) {CAP}."
    assert f.store_choice == "ship with guardrails" and f.expected_call == "ship with guardrails"
    assert f.debrief == case.debrief and f.contract == case.agent_impact_contract()
    assert f.justification == WHY


def test_extra_guardrails_are_noted_not_penalised(case):
    f = score_launch(case, "ship with guardrails", [AUDIT, CAP, KILL], WHY)
    assert f.correct and f.guardrails == (CAP, KILL, AUDIT)  # in the case's order
    assert f.extra_guardrails == (KILL, AUDIT)
    assert f"You also chose {KILL}; {AUDIT}: not wrong" in f.feedback


def test_a_missing_key_guardrail_is_named(case):
    f = score_launch(case, "ship with guardrails", [KILL], WHY)
    assert f.right_call and not f.correct and f.missing_guardrails == (CAP,)
    assert f.feedback.startswith(f"Right call, but the key guardrail(s) missing: {CAP}.")
    assert f.store_choice == f"ship with guardrails (missing: {CAP})"


def test_no_go_on_a_ship_with_guardrails_case_is_wrong_and_says_why(case):
    f = score_launch(case, "no-go", [CAP], WHY)
    assert not f.right_call and not f.correct
    assert f.ignored_guardrails == (CAP,) and f.missing_guardrails == ()
    assert f.feedback.startswith(f"Not the case's call: it is ship with guardrails with {CAP}.")
    assert "a no-go gives up the value" in f.feedback and "The debrief gives the reasoning." in f.feedback
    assert f.store_choice == "no-go"
    naive = score_launch(case, "ship", [], WHY)  # "the agent is 90% sure, ship it": the naive call
    assert not naive.correct and "without guardrails leaves the failure" in naive.feedback


def test_every_call_and_guardrail_set_is_scored_by_the_rule(case):
    """Enumerate 3 case answers x 3 calls x 8 guardrail sets against the rule stated independently."""
    guardrails = case.drill.guardrails
    for expected, key in (("ship", ()), ("no-go", ()), ("ship with guardrails", (CAP, AUDIT))):
        variant = _with_call(case, expected, key)
        for call in nogo.LAUNCH_CALLS:
            for n in range(len(guardrails) + 1):
                for chosen in itertools.combinations(guardrails, n):
                    f = score_launch(variant, call, chosen, WHY)
                    named_all = set(key) <= set(chosen)
                    assert f.correct == (call == expected and (call != "ship with guardrails" or named_all))
                    assert f.right_call == (call == expected)
                    assert (f.store_choice == expected) == f.correct  # so the store's `correct` agrees
                    if call != expected:
                        assert f.feedback.startswith(f"Not the case's call: it is {expected}")


@pytest.mark.parametrize(
    ("call", "guardrails", "text", "message"),
    [
        ("launch", [], WHY, r"call: expected one of 'ship', 'ship with guardrails', 'no-go', got 'launch'"),
        (
            "ship with guardrails",
            ["a bigger model"],
            WHY,
            r"guardrails: 'a bigger model' is not one of the case's",
        ),
        (
            "ship with guardrails",
            CAP,
            WHY,
            r"guardrails: expected a list of guardrails, got the single string",
        ),
        ("no-go", [], "", r"justification: write at least 40 characters .*; got nothing"),
        ("no-go", [], "   \n  ", r"justification: write at least 40 characters .*; got nothing"),
        ("no-go", [], "too risky", r"justification: write at least 40 characters .*; got 9 characters"),
        ("no-go", [], None, r"justification: expected text, got NoneType"),
    ],
)
def test_bad_answers_get_clear_messages(case, call, guardrails, text, message):
    with pytest.raises(InputError, match=message):
        score_launch(case, call, guardrails, text)


def test_justification_length_boundary():
    assert check_justification("x" * MIN_JUSTIFICATION_CHARS) == "x" * MIN_JUSTIFICATION_CHARS
    with pytest.raises(InputError, match="got 39 characters"):
        check_justification("  " + "x" * (MIN_JUSTIFICATION_CHARS - 1) + "  ")


def test_feedback_text_and_html(case):
    f = score_launch(case, "ship with guardrails", [CAP], "<script>alert(1)</script> " + WHY)
    text = f.to_text()
    assert text.startswith(f"Launch call on template: ship with guardrails ({CAP}).")
    assert "Verdict: correct." in text and f"Debrief: {case.debrief}" in text
    page = f._repr_html_()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page


# --- rubric ---------------------------------------------------------------------------------------


def test_rubric_marks_take_numbers_or_labels_and_carry_the_case_rubric(case):
    m = rubric_marks(case, MARKS, {"escalation_design": "  no owner named  "})
    assert m["dimension"].tolist() == list(nogo.RUBRIC_DIMENSIONS)
    assert m["score"].tolist() == [3, 1, 2, 0]
    assert m["label"].tolist() == ["strong", "weak", "adequate", "missing"]
    assert (m["scale_max"] == 3).all() and RUBRIC_SCALE[3] == "strong"
    assert m["comment"].tolist() == ["", "", "no owner named", ""]
    for r in m.itertuples():
        spec = getattr(case.rubric, r.dimension)
        assert (r.question, r.weak, r.strong) == (spec.question, spec.weak, spec.strong)
    assert rubric_text(m).splitlines() == [
        "Rubric: 6 of 12.",
        "- threshold definition: 3/3 strong",
        "- failure mode prioritisation: 1/3 weak",
        "- escalation design: 2/3 adequate (no owner named)",
        "- incentive alignment: 0/3 missing",
    ]


@pytest.mark.parametrize(
    ("marks", "comments", "message"),
    [
        ({**MARKS, "charisma": 3}, None, r"marks: unknown dimension 'charisma'; the four are threshold_definition"),
        ({k: v for k, v in MARKS.items() if k != "escalation_design"}, None,
         r"marks: no mark for 'escalation_design'; mark all four dimensions"),
        ({**MARKS, "escalation_design": None}, None, r"marks: no mark for 'escalation_design'"),
        ({**MARKS, "escalation_design": 4}, None,
         r"marks\['escalation_design'\]: expected a mark from 0 to 3 \(0 missing, 1 weak, 2 adequate, 3 strong\), got 4"),
        ({**MARKS, "escalation_design": 2.5}, None, r"marks\['escalation_design'\]: expected a mark from 0 to 3"),
        ({**MARKS, "escalation_design": True}, None, r"got True"),
        ({**MARKS, "escalation_design": "great"}, None, r"got 'great'"),
        (MARKS, {"escalation_design": 3}, r"comments\['escalation_design'\]: expected text, got int"),
        (MARKS, {"tone": "x"}, r"comments: unknown dimension 'tone'"),
        ([3, 3, 3, 3], None, r"marks: expected a mapping of dimension to value, got list"),
    ],
)  # fmt: skip
def test_rubric_validation_messages(case, marks, comments, message):
    with pytest.raises(InputError, match=message):
        rubric_marks(case, marks, comments)


# --- widgets, headless ----------------------------------------------------------------------------


def _clock():
    return iter([10.0, 52.5]).__next__  # created at 10 s, submitted at 52.5 s


def test_launch_widget_submits_once_records_and_shows_debrief(case, tmp_path, capsys):
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    w = LaunchCall(case, store=store, learner="ana", clock=_clock())
    assert "not submitted yet" in capsys.readouterr().out and not w.submitted
    w.submit_button.click()
    assert w.error == "call: choose one of ship, ship with guardrails, no-go" and not w.submitted
    w.call.value = "ship with guardrails"
    w.guardrails[CAP].value = True
    w.justification.value = "cap it"
    w.submit_button.click()
    assert (
        "justification: write at least 40 characters" in w.error
        and "got 6 characters" in w.feedback_html.value
    )
    assert store.attempts().empty  # nothing recorded for an invalid submission
    w.justification.value = "<script>alert('x')</script> " + WHY
    w.submit_button.click()
    assert w.error is None and w.submitted and w.result.correct
    assert "&lt;script&gt;" in w.feedback_html.value and "<script>" not in w.feedback_html.value
    assert case.debrief in w.feedback_html.value
    assert w.contract_html.value == case.agent_impact_contract()._repr_html_()
    assert w.rubric is not None and w.rubric.view in w.view.children
    assert all(c.disabled for c in (w.call, w.justification, w.submit_button, *w.guardrails.values()))
    w.submit_button.click()
    assert "already submitted" in w.error
    store.close()
    a = nogo.ProgressStore(tmp_path / "p.sqlite3").attempts()
    assert len(a) == 1 and a["attempt_id"].item() == w.attempt_id
    row = a.iloc[0]
    assert (row["drill"], row["item"], row["choice"], row["optimal_choice"]) == (
        "launch",
        "launch call",
        "ship with guardrails",
        "ship with guardrails",
    )
    assert row["cost_usd"] == 0 and row["optimal_cost_usd"] == 0 and row["correct"]
    assert row["time_taken_seconds"] == 42.5 and row["variant_seed"] == 20240214 and row["learner"] == "ana"


def test_wrong_call_is_stored_as_not_correct(case, tmp_path):
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    w = LaunchCall(case, store=store, learner="ana", variant_seed=3, clock=_clock())
    f = w.run_scripted("ship with guardrails", [KILL], WHY)
    assert not f.correct and f.missing_guardrails == (CAP,)
    a = store.attempts()
    assert a["choice"].item() == f"ship with guardrails (missing: {CAP})" and not a["correct"].item()
    assert a["variant_seed"].item() == 3


def test_rubric_checklist_saves_marks_linked_to_the_attempt(case, tmp_path):
    path = tmp_path / "p.sqlite3"
    store = nogo.ProgressStore(path)
    w = LaunchCall(case, store=store, learner="ana", marked_by="coach", clock=_clock())
    w.run_scripted("no-go", [], WHY)
    r = w.rubric
    r.save_button.click()
    assert r.error.startswith("marks: no mark for 'threshold_definition'") and not r.saved
    r.scores["threshold_definition"].value = 3
    r.set({"failure_mode_prioritisation": "weak", "escalation_design": 2, "incentive_alignment": 0},
          {"escalation_design": "<b>no owner</b>"})  # fmt: skip
    r.save_button.click()
    assert r.error is None and r.saved and len(r.mark_ids) == 4
    assert "&lt;b&gt;no owner&lt;/b&gt;" in r.status_html.value
    store.close()
    marks = nogo.ProgressStore(path).rubric_marks()
    assert marks["dimension"].tolist() == list(nogo.RUBRIC_DIMENSIONS)
    assert marks["score"].tolist() == [3.0, 1.0, 2.0, 0.0] and (marks["scale_max"] == 3).all()
    assert (marks["marked_by"] == "coach").all() and (marks["attempt_id"] == w.attempt_id).all()
    assert marks["comment"].tolist() == ["", "", "<b>no owner</b>", ""]
    text = w.summary_text()
    assert "Verdict: not the case's call." in text and "Rubric (marked by coach): 6 of 12." in text
    assert w._repr_mimebundle_()["text/plain"] == text


def test_rubric_checklist_alone_and_its_validation(case):
    r = RubricChecklist(case, marked_by="self")
    assert r.summary_text() == "Rubric (marked by self): not marked yet."
    with pytest.raises(InputError, match="marks: unknown dimension 'tone'"):
        r.set({"tone": 3})
    with pytest.raises(InputError, match=r"marks\['escalation_design'\]: expected a mark from 0 to 3"):
        r.set({"escalation_design": 7})
    r.set(MARKS)
    assert r.save()["score"].tolist() == [3, 1, 2, 0] and r.mark_ids == []  # no store: nothing recorded
    with pytest.raises(InputError, match="marked_by: expected a non-empty name"):
        RubricChecklist(case, marked_by="")


def test_launch_widget_validates_its_arguments(case):
    with pytest.raises(InputError, match="learner: expected a non-empty name"):
        LaunchCall(case, learner="")
    with pytest.raises(InputError, match=r"variant_seed: expected a whole number >= 0, got -2"):
        LaunchCall(case, variant_seed=-2)
    w = LaunchCall(case)
    with pytest.raises(InputError, match="guardrails: 'x' is not one of the case's guardrails"):
        w.run_scripted("ship with guardrails", ["x"], WHY)
    assert not w.submitted


def test_feedback_contract_and_descriptions_are_safe_from_maths_typesetting(case):
    from nogo.formatting import html_dollars

    safe = '<div class="mathjax_ignore tex2jax_ignore">'
    f = score_launch(case, "ship with guardrails", [CAP], "Changes above $50 and $100 need a person. " + WHY)
    page = f._repr_html_()
    assert page.startswith(safe) and "$50 and $100" in page and html_dollars(page) == 0
    money = "a cap on changes between $50 and $100"
    dollars = case.model_copy(
        update={"drill": case.drill.model_copy(update={"guardrails": [*case.drill.guardrails, money]})}
    )
    w = LaunchCall(dollars, clock=_clock())
    # a checkbox description goes through MathJax as text: \$ is its escape, shown as $
    assert w.guardrails[money].description == "a cap on changes between \\$50 and \\$100"
    w.run_scripted("ship with guardrails", [CAP, money], WHY)
    for box in (w.feedback_html, w.contract_html, w.rubric.status_html):
        assert box.value == "" or box.value.startswith(safe)
    assert w.feedback_html.value.startswith(safe) and w.contract_html.value.startswith(safe)
