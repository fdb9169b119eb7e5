"""Launch call (issue 14, item 5): a call that cannot be gamed. Scripted learners on the template case
file and on a temporary case file with distractors, evidence and a call that flips with the variant;
every answer on the temporary case checked against the rule stated independently; nothing of the answer
in the widget before submitting; the committed call compared after; the rubric; persistence through a
reopened progress store."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

import nogo
from nogo.errors import InputError
from nogo.practice.commit import CommitCall, Commitment
from nogo.practice.launch import (
    RUBRIC_SCALE,
    LaunchCall,
    RubricChecklist,
    check_justification,
    evidence_options,
    guardrail_cap,
    launch_options,
    rubric_marks,
    rubric_text,
    score_launch,
)

ROOT = Path(__file__).resolve().parents[2]
WHY = "A wrong refund costs more than a review, and the agent's confidence is highest where it is wrong."
MARKS = {"threshold_definition": 3, "failure_mode_prioritisation": "weak", "escalation_design": 2,
         "incentive_alignment": "Missing"}  # fmt: skip
TEMPLATE = re.sub(  # without the template's own evidence and conditional call: this test adds its own
    r"\n  evidence:.*?(?=\n  \S)|\n  - call: no-go\n    when:.*?(?=\n  - call:)",
    "",
    (ROOT / "casebook" / "_template.yaml").read_text(encoding="utf-8"),
    flags=re.S,
)
# Synthetic drill content for the test only: facts about the template's example domain, and a call that
# flips at review_usd 9 (the template varies review_usd from 3 to 12).
EVIDENCE = """  evidence:
    - fact: a large refund paid in error costs more than a person's review of it
      deciding: true
      why: it is why large refunds go to a person
    - fact: the agent states 90% and more on the requests it gets wrong most often
      deciding: true
      why: its confidence cannot be the rule
    - fact: the agent replies in under a second
      deciding: false
      why: speed says nothing about harm
    - fact: customers rate the agent's tone 4.6 of 5
      deciding: false
      why: a pleasant wrong refund is still wrong
"""
FLIP = """  - call: no-go
    when: [{parameter: review_usd, at_least: 9}]
    debrief: SYNTHETIC. Review costs more than the errors it catches.
"""


@pytest.fixture(scope="module")
def template():
    return nogo.load_case(ROOT / "casebook" / "_template.yaml")


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    """The template with evidence and a call that flips with review_usd, as a case file on disk."""
    assert "\n\nrubric:" in TEMPLATE and "\ncalls:" in TEMPLATE
    text = TEMPLATE.replace("\n\nrubric:", "\n" + EVIDENCE + "\nrubric:", 1)
    head, tail = text.split("\ncalls:", 1)
    first = tail.index("\n  - call:")
    text = head + "\ncalls:" + tail[:first] + "\n" + FLIP + tail[first + 1 :]
    path = tmp_path_factory.mktemp("casebook") / "template.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = nogo.load_case(path)
    assert [c.call for c in loaded.calls] == ["no-go", "ship with guardrails"]
    return loaded


def _deciding(case):
    return [e.fact for e in case.drill.evidence if e.deciding]


# --- scripted learners ---------------------------------------------------------------------------


def _learners(case, values):
    """The four scripted learners of issue 14, answering for one variant (``values``)."""
    right = case.call_for(values)
    key = list(right.key_guardrails) or list(case.call_for({}).key_guardrails)
    distractors = [d.guardrail for d in case.drill.distractors]
    wrong = next(c for c in nogo.LAUNCH_CALLS if c != right.call)
    return {
        "tick every guardrail": ("ship with guardrails", launch_options(case, seed=7), list(evidence_options(case))),
        "distractors only": ("ship with guardrails", distractors, []),
        "key guardrails, wrong call": (wrong, key, _deciding(case)),
        "informed": (right.call, list(right.key_guardrails), _deciding(case)),
    }


@pytest.mark.parametrize("which", ["template", "case"])
def test_only_the_informed_learner_scores_correct(request, which):
    c = request.getfixturevalue(which)
    scores = {name: score_launch(c, call, picks, evidence=facts)
              for name, (call, picks, facts) in _learners(c, {}).items()}  # fmt: skip
    assert [name for name, f in scores.items() if f.correct] == ["informed"]
    best = scores["informed"].points
    assert best == scores["informed"].max_points == (10.0 if c.drill.evidence else 8.0)
    for name, f in scores.items():
        if name != "informed":
            assert f.points <= best - 3, (name, f.points)  # well below, not a near miss
    everything = scores["tick every guardrail"]
    assert len(everything.distractors_picked) == len(c.drill.distractors) >= 2
    assert everything.over_cap == len(launch_options(c)) - guardrail_cap(c) > 0


def test_following_the_lesson_is_never_scored_wrong_over_variants(case):
    calls = set()
    for seed in range(20):
        values = case.variant(seed)
        expected = "no-go" if values["review_usd"] >= 9 else "ship with guardrails"  # the rule, by hand
        answers = _learners(case, values)
        call, picks, facts = answers["informed"]
        assert call == expected
        f = score_launch(case, call, picks, evidence=facts, parameters=values)
        assert f.correct and f.expected_call == expected, (seed, f.feedback)
        assert not any(score_launch(case, *a[:2], evidence=a[2], parameters=values).correct
                       for name, a in answers.items() if name != "informed")  # fmt: skip
        calls.add(expected)
    assert calls == {"no-go", "ship with guardrails"}  # the variants reach both calls


def test_points_worked_by_hand(case):
    g = list(case.drill.guardrails)  # [closure, large refunds, goodwill declined, weekly audit]
    closure, refunds, goodwill, audit = g
    d1, d2 = (d.guardrail for d in case.drill.distractors)
    (good1, good2), (bad1, bad2) = _deciding(case), [e.fact for e in case.drill.evidence if not e.deciding]
    # every key guardrail, ranked first, plus one harmless extra within the cap of 3; half the evidence
    f = score_launch(case, "ship with guardrails", [refunds, closure, audit], evidence=[good1])
    assert f.parts == {"call": 4, "guardrails": 3, "ranking": 1, "evidence": 1} and f.points == 9
    assert f.extra_guardrails == (audit,) and not f.correct and f.store_choice == "ship with guardrails (9 of 10 points)"
    # one key guardrail missing, the audit ranked in a key place, a distractor: 4 + 1.5 + 0.5 + 2 - 1
    f = score_launch(case, "ship with guardrails", [audit, refunds, d1], evidence=[good1, good2])
    assert f.parts == {"call": 4, "guardrails": 1.5, "ranking": 0.5, "evidence": 2} and f.points == 7
    assert f.missing_guardrails == (closure,) and f.ranked_not_key == (audit,)
    assert f.distractors_picked == {d1: case.drill.distractors[0].why}
    # only the audit, ranked alone: no key guardrail named or ranked (2 ranked places, both without one)
    f = score_launch(case, "ship with guardrails", [audit])
    assert f.parts == {"call": 4, "guardrails": 0, "ranking": 0, "evidence": 0} and f.points == 4
    # one key guardrail alone: half the key guardrails named, one of two ranked places holds one
    f = score_launch(case, "ship with guardrails", [closure], evidence=[good2])
    assert f.parts == {"call": 4, "guardrails": 1.5, "ranking": 0.5, "evidence": 1} and f.points == 7
    # five picks, cap 3: two over; both irrelevant facts with both deciding ones: 2 - 2 = 0
    f = score_launch(case, "ship with guardrails", [closure, refunds, goodwill, audit, d2],
                     evidence=[good1, good2, bad1, bad2])  # fmt: skip
    assert f.over_cap == 2 and f.parts["evidence"] == 0 and f.points == 4 + 3 + 1 + 0 - 1 - 2
    # the right no-go on a variant that calls for it: nothing to guard, nothing to rank
    f = score_launch(case, "no-go", [], evidence=[good1, good2], parameters={"review_usd": 10.0})
    assert f.correct and f.points == 10 and f.hedged == 0
    # ... hedged with two guardrails: each costs a point (10 - 2), none counts as a distractor
    f = score_launch(case, "no-go", [d1, d2], evidence=[good1, good2], parameters={"review_usd": 10.0})
    assert not f.correct and f.points == 8 and f.hedged == 2 and f.ignored_guardrails == (d1, d2)
    assert f.distractors_picked == {} and "launches nothing to guard" in f.feedback
    assert f.debrief.startswith("SYNTHETIC. Review costs more")
    # a wrong call never scores guardrails, and its distractors still cost: 0 + 0 + 0 + 2 - 1, floor 0
    f = score_launch(case, "ship with guardrails", [d1], evidence=[good1, good2], parameters={"review_usd": 10.0})
    assert f.points == 1 and f.feedback.startswith("Not the case's call: it is no-go.")
    assert score_launch(case, "ship with guardrails", [d1, d2, audit, goodwill], parameters={"review_usd": 10.0}).points == 0


def test_every_answer_on_the_case_is_scored_by_the_rule(case):
    """Every call x every set of two guardrails, one key one and a distractor x every evidence set,
    against the rule stated independently: correct means the right call, and with ship with guardrails
    every key guardrail, no distractor, within the cap, key guardrails in the ranked places, and
    exactly the deciding facts."""
    key = set(case.drill.key_guardrails)
    distractors = {d.guardrail for d in case.drill.distractors}
    options, facts = launch_options(case), evidence_options(case)
    cap, deciding = guardrail_cap(case), set(_deciding(case))
    seen = set()
    for call in nogo.LAUNCH_CALLS:
        for n in range(len(options) + 1):
            for picks in itertools.combinations(options, n):
                for m in (0, 1, 2, 4):
                    for chosen in itertools.combinations(facts, m):
                        f = score_launch(case, call, picks, evidence=chosen)
                        ranked = picks[: min(3, len(key))]
                        guarded = call != "ship with guardrails" or (
                            key <= set(picks) and not distractors & set(picks) and len(picks) <= cap
                            and set(ranked) <= key
                        )  # fmt: skip
                        rule = call == "ship with guardrails" and guarded and set(chosen) == deciding
                        assert f.correct == rule, (call, picks, chosen)
                        assert (f.store_choice == f.expected_call) == f.correct  # the store agrees
                        assert 0 <= f.points <= f.max_points == 10
                        seen.add(f.correct)
    assert seen == {True, False}


def test_bad_answers_get_clear_messages(case):
    refunds, closure = case.drill.key_guardrails[::-1]
    for args, kwargs, message in [
        (("launch",), {}, r"call: expected one of 'ship', 'ship with guardrails', 'no-go', got 'launch'"),
        (("ship with guardrails", ["a bigger model"]), {}, r"guardrails: 'a bigger model' is not one on the list"),
        (("ship with guardrails", refunds), {}, r"guardrails: expected a list, got the single string"),
        (("no-go", [], None), {}, r"justification: expected text, got NoneType"),
        (("no-go",), {"evidence": ["the moon"]}, r"evidence: 'the moon' is not one on the list"),
        (("ship with guardrails", [refunds, closure]), {"ranking": [refunds]},
         r"ranking: rank your top 2 of the guardrails you picked .* got 1"),
        (("ship with guardrails", [refunds]), {"ranking": [closure]}, r"ranking: .*'a person confirms every"),
        (("no-go",), {"parameters": {"review": 1}}, r"unknown parameter\(s\) review"),
    ]:  # fmt: skip
        with pytest.raises(InputError, match=message):
            score_launch(case, *args, **kwargs)


def test_the_justification_is_optional_and_kept():
    assert check_justification("   ") == "" and check_justification(" no-go: reviews cost more ") == "no-go: reviews cost more"


def test_the_options_are_mixed_by_the_seed_not_by_what_is_key(case):
    plain = launch_options(case)
    assert plain == [*case.drill.guardrails, *(d.guardrail for d in case.drill.distractors)]
    orders = {tuple(launch_options(case, seed)) for seed in range(20)}
    assert all(sorted(o) == sorted(plain) for o in orders) and len(orders) > 10
    assert launch_options(case, 3) == launch_options(case, 3)
    assert sorted(evidence_options(case, 5)) == sorted(e.fact for e in case.drill.evidence)


def test_commitment_is_compared_after_submitting(case):
    f = score_launch(case, "ship with guardrails", case.drill.key_guardrails, evidence=_deciding(case),
                     commitment=Commitment("no-go", 0.8))  # fmt: skip
    assert f.correct and not f.commitment.right and f.commitment.brier == pytest.approx(0.64)
    assert "Before the analysis you committed to no-go, 80% sure: not the case's call" in f.to_text()
    assert "After the analysis you changed it to ship with guardrails." in f.to_text()


# --- the widget, headless ------------------------------------------------------------------------


def _clock():
    return iter([10.0, 52.5]).__next__  # created at 10 s, submitted at 52.5 s


def _state(widget) -> list:
    """All a learner (or code) can read off the widget: every control's value, label and options, the
    HTML, the summary and the repr; the case file itself and the clock are left out."""
    seen, out, todo = set(), [], [widget.view]
    while todo:
        w = todo.pop()
        if id(w) not in seen:
            seen.add(id(w))
            out += [(type(w).__name__, n, repr(getattr(w, n))) for n in
                    ("value", "description", "options", "placeholder", "disabled") if hasattr(w, n)]  # fmt: skip
            todo += list(getattr(w, "children", ()))
    own = sorted((k, repr(v)) for k, v in vars(widget).items() if k not in ("case", "clock", "_started"))
    fallback = widget._repr_mimebundle_()  # what a saved notebook keeps for a reader without a kernel
    return [*out, own, widget.summary_text(), repr(widget), fallback["text/plain"], fallback["text/html"]]


def test_nothing_of_the_answer_is_in_the_widget_before_submitting(case, capsys):
    other_call = nogo.Call(call="no-go", debrief="SYNTHETIC. A different story.")
    other = case.model_copy(update={
        "debrief": "Another debrief.", "calls": [other_call],
        "drill": case.drill.model_copy(update={"launch_call": "no-go", "key_guardrails": []}),
    })  # fmt: skip
    a, b = LaunchCall(case, variant_seed=4), LaunchCall(other, variant_seed=4)
    assert _state(a) == _state(b)  # the same widget whatever the call, the debrief and the key guardrails
    assert capsys.readouterr().out == ""  # nothing printed: the widget and its fallback say it
    answers = [case.debrief, *(c.debrief for c in case.calls)]  # key guardrails are options: see above
    answers += [d.why for d in case.drill.distractors] + [e.why for e in case.drill.evidence]
    for text in answers:
        assert all(text not in str(s) for s in _state(a)), text
    fallback = a._repr_mimebundle_()["text/plain"]
    assert "Guardrails (pick at most 3, rank your top 3)" in fallback and "Facts (pick the deciding ones)" in fallback


def test_after_submitting_the_widget_shows_the_variants_call_and_the_commitment(case, tmp_path):
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    commit = CommitCall(case, {"review_usd": 11.0}, learner="ana")
    commit.commit("ship with guardrails", 0.9)
    w = LaunchCall(case, commit=commit, store=store, learner="ana", clock=_clock())
    assert w.parameters["review_usd"] == 11.0  # the commitment's variant
    f = w.run_scripted("no-go", [], "", evidence=_deciding(case))
    assert f.correct and f.expected_call == "no-go" and f.commitment.right is False
    page = w.feedback_html.value
    assert "SYNTHETIC. Review costs more than the errors it catches." in page
    assert "committed to ship with guardrails, 90% sure: not the case&#x27;s call" in page
    assert "Brier score 0.81" in page and "you changed it to no-go" in page
    assert store.attempts()["optimal_choice"].item() == "no-go"


def test_a_commitment_never_made_is_said_not_compared(case):
    w = LaunchCall(case, commit=CommitCall(case, {"review_usd": 4.0}), clock=_clock())
    f = w.run_scripted("ship with guardrails", case.drill.key_guardrails, evidence=_deciding(case))
    assert f.correct and f.commitment is None and "committed to" not in f.to_text()
    assert "You made no call before the analysis: there is nothing to compare." in w.feedback_html.value


def test_launch_widget_submits_once_records_and_shows_debrief(case, tmp_path, capsys):
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    w = LaunchCall(case, store=store, learner="ana", clock=_clock())
    assert capsys.readouterr().out == "" and not w.submitted  # nothing printed when built
    assert "Not submitted yet: no call chosen; 0 guardrails ticked (at most 3), 0 ranked" in w.status_html.value
    w.submit_button.click()
    assert w.error == "call: choose one of ship, ship with guardrails, no-go" and not w.submitted
    assert "call: choose one of" in w.status_html.value  # the click's problem, on the page
    w.call.value = "ship with guardrails"
    closure, refunds = case.drill.key_guardrails
    w.ranks[0].value = refunds
    assert w.guardrails[refunds].value  # ranking a guardrail ticks it
    assert "call ship with guardrails; 1 guardrail ticked (at most 3), 1 ranked" in w.status_html.value
    w.guardrails[closure].value = True
    w.submit_button.click()
    assert w.error == "ranking: rank your top 2 of the guardrails you picked (1st, 2nd, 3rd), each once; got 1"
    assert store.attempts().empty  # nothing recorded for an invalid submission
    w.ranks[1].value = closure
    w.guardrails[closure].value = False
    w.submit_button.click()
    assert w.error == f"ranking: {closure!r} is ranked but not ticked"
    w.guardrails[closure].value = True
    for fact in _deciding(case):
        w.evidence[fact].value = True
    w.justification.value = "<script>alert('x')</script> " + WHY
    w.submit_button.click()
    assert w.error is None and w.submitted and w.result.correct and w.result.ranking == (refunds, closure)
    assert "&lt;script&gt;" in w.feedback_html.value and "<script>" not in w.feedback_html.value
    assert case.call_for({}).debrief in w.feedback_html.value and "10 of 10 points" in w.feedback_html.value
    assert w.contract_html.value == case.agent_impact_contract()._repr_html_()
    assert w.rubric is not None and w.rubric.view in w.view.children
    assert "Submitted: your points, the debrief" in w.status_html.value  # said once, below it
    controls = (w.call, w.justification, w.submit_button, *w.guardrails.values(), *w.ranks, *w.evidence.values())
    assert all(c.disabled for c in controls)
    w.submit_button.click()
    assert "already submitted" in w.error
    store.close()
    a = nogo.ProgressStore(tmp_path / "p.sqlite3").attempts()
    assert len(a) == 1 and a["attempt_id"].item() == w.attempt_id
    row = a.iloc[0]
    assert (row["drill"], row["item"], row["choice"], row["optimal_choice"]) == (
        "launch", "launch call", "ship with guardrails", "ship with guardrails",
    )  # fmt: skip
    assert row["cost_usd"] == 0 and row["optimal_cost_usd"] == 0 and row["correct"]
    assert row["time_taken_seconds"] == 42.5 and row["variant_seed"] == 20240214 and row["learner"] == "ana"
    named = "; ".join(f for f in w.evidence if f in _deciding(case))  # in the order the widget shows them
    assert row["score"] == 1.0 and row["justification"] == f"<script>alert('x')</script> {WHY} Evidence named: {named}."


def test_a_short_answer_is_stored_as_not_correct(case, tmp_path):
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    w = LaunchCall(case, store=store, learner="ana", variant_seed=3, clock=_clock())
    f = w.run_scripted("ship with guardrails", [case.drill.key_guardrails[0]], WHY)
    assert not f.correct and f.missing_guardrails == (case.drill.key_guardrails[1],)
    a = store.attempts()
    assert a["choice"].item() == f"ship with guardrails ({f.points:g} of 10 points)" and not a["correct"].item()
    assert a["variant_seed"].item() == 3
    assert a["score"].item() == pytest.approx(f.points / 10) and a["justification"].item() == WHY


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
    assert "Verdict: not the case's call, 0 of 10 points." in text and "Rubric (marked by coach): 6 of 12." in text
    assert w.record_text() == text and text.splitlines()[0] in str(w.attempt_record())
    fallback = w._repr_mimebundle_()["text/plain"]  # a saved notebook's fallback: the brief, never the verdict
    assert fallback == w.brief_text() and "Verdict" not in fallback and "Rubric" not in fallback
    assert "Marks saved. Rubric: 6 of 12." in r.status_html.value


def test_launch_widget_validates_its_arguments(case, template):
    with pytest.raises(InputError, match="learner: expected a non-empty name"):
        LaunchCall(case, learner="")
    with pytest.raises(InputError, match=r"variant_seed: expected a whole number >= 0, got -2"):
        LaunchCall(case, variant_seed=-2)
    with pytest.raises(InputError, match=r"unknown parameter\(s\) nope"):
        LaunchCall(case, {"nope": 1})
    with pytest.raises(InputError, match="commit: expected a CommitCall or a Commitment, got str"):
        LaunchCall(case, commit="no-go")
    other = template.model_copy(update={"id": "another"})
    with pytest.raises(InputError, match="commit: a commitment on another, not on template"):
        LaunchCall(case, commit=CommitCall(other, {}))
    w = LaunchCall(case)
    with pytest.raises(InputError, match="guardrails: 'x' is not one on the list"):
        w.run_scripted("ship with guardrails", ["x"], WHY)
    assert not w.submitted


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


def test_rubric_checklist_alone_and_its_validation(case):
    r = RubricChecklist(case, marked_by="self")
    assert r.summary_text() == "Rubric (marked by self): not marked yet."
    assert "0 of 4 dimensions marked" in r.status_html.value
    r.scores["escalation_design"].value = 2
    assert "1 of 4 dimensions marked" in r.status_html.value  # live
    with pytest.raises(InputError, match="marks: unknown dimension 'tone'"):
        r.set({"tone": 3})
    with pytest.raises(InputError, match=r"marks\['escalation_design'\]: expected a mark from 0 to 3"):
        r.set({"escalation_design": 7})
    r.set(MARKS)
    assert r.save()["score"].tolist() == [3, 1, 2, 0] and r.mark_ids == []  # no store: nothing recorded
    with pytest.raises(InputError, match="marked_by: expected a non-empty name"):
        RubricChecklist(case, marked_by="")


def test_feedback_contract_and_descriptions_are_safe_from_maths_typesetting(case):
    from nogo.formatting import html_dollars

    safe = '<div class="mathjax_ignore tex2jax_ignore">'
    key = case.drill.key_guardrails
    f = score_launch(case, "ship with guardrails", key, "Changes above $50 and $100 need a person. " + WHY)
    page = f._repr_html_()
    assert page.startswith(safe) and "$50 and $100" in page and html_dollars(page) == 0
    money = "a cap on changes between $50 and $100"
    dollars = case.model_copy(
        update={"drill": case.drill.model_copy(update={"guardrails": [*case.drill.guardrails, money]})}
    )
    w = LaunchCall(dollars, clock=_clock())
    # a checkbox description goes through MathJax as text: \$ is its escape, shown as $
    assert w.guardrails[money].description == "a cap on changes between \\$50 and \\$100"
    assert (money, money) in w.ranks[0].options  # a <select> is not typeset: its labels stay plain
    w.run_scripted("ship with guardrails", [*key, money], WHY)
    for box in (w.feedback_html, w.contract_html, w.rubric.status_html):
        assert box.value == "" or box.value.startswith(safe)
    assert w.feedback_html.value.startswith(safe) and w.contract_html.value.startswith(safe)
