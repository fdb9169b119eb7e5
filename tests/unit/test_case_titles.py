"""A case's title names what happened, never the call or the lesson (issue 14, item 1).

Every case file in ``casebook/`` (enumerated, no list of names; the template too). What can be checked
honestly is the title's words against the case's own answer, not its meaning:

* no call: none of the calls the case can reach ("no-go", "ship with guardrails", the drill's launch call),
  nor "ship", "guardrail", "verdict" or "lesson";
* no rule: no verb of a "never <verb>" in the case's hard rules or guardrails (the key guardrails of the
  drill and of every call): a title saying the agent did what the case forbids it to do alone gives the
  lesson away ("... raised what borrowers owe" against "never raise the total cost of credit");
* no answer's words: no run of four words from the debrief, a call's debrief or a key guardrail that is
  not also in the incident (a debrief retells what happened; those words a title may use).

A title can still hint at the answer in other words; these checks catch the ways seen so far, and the
loan title that gave the verdict is kept as a regression.
"""

from __future__ import annotations

import re

import pytest

import nogo

PROJECT = nogo.Project.find()
CASES = sorted(p.stem for p in PROJECT.casebook.glob("*.yaml"))
VERDICT_WORDS = ("ship", "no-go", "guardrail", "verdict", "lesson")

OLD_LOAN_TITLE = "How a loan agent cut this month's payment and raised what borrowers owe"
"""The loan title issue 14 names as giving the verdict: a regression, not a list the test relies on."""


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$][a-z0-9$.,'-]*[a-z0-9]|[a-z0-9]", str(text).lower())


def _stem(word: str) -> str:
    """A verb's stem good enough to match its forms: raise, raises, raised, raising -> rais."""
    for suffix in ("ing", "ed", "es", "e", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _answer(case_id: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """The case's calls, its rules (hard rules and every guardrail it names), the texts of its answer (the
    debriefs and key guardrails) and of what happened (the incident)."""
    file = PROJECT.case(case_id)
    data = nogo.open_case(file).build()
    calls = sorted({file.drill.launch_call, *(c.call for c in file.calls)})
    key_guardrails = [*file.drill.key_guardrails, *(g for c in file.calls for g in c.key_guardrails)]
    rules = [*(r.rule for r in data.hard_rules), *file.drill.guardrails, *key_guardrails]
    texts = [file.debrief, *(c.debrief for c in file.calls), *key_guardrails]
    incident = file.incident
    happened = [incident.summary, incident.when, incident.who, incident.where, incident.decision]
    return calls, rules, texts, happened


def _runs(texts: list[str], n: int = 4) -> set[str]:
    return {" ".join(ws[k : k + n]) for t in texts for ws in [_words(t)] for k in range(len(ws) - n + 1)}


def problems(
    title: str, calls: list[str], rules: list[str], texts: list[str], happened: list[str] = ()
) -> list[str]:
    """What in ``title`` gives the call or the lesson away (empty when nothing does)."""
    words = _words(title)
    flat = " " + " ".join(words) + " "
    found = [f"names the call {c!r}" for c in calls if f" {' '.join(_words(c))} " in flat]
    found += [f"says {w!r}" for w in VERDICT_WORDS if any(t.startswith(w) for t in words)]
    forbidden = {_stem(m) for r in rules for m in re.findall(r"\bnever (\w+)", r.lower())}
    found += [f"says the agent did what a rule forbids ({w!r})" for w in words if _stem(w) in forbidden]
    runs = _runs(texts) - _runs(list(happened))
    found += [f"repeats the answer's words {r!r}" for r in sorted(runs) if f" {r} " in flat]
    return found


@pytest.mark.parametrize("case_id", CASES)
def test_the_title_gives_neither_the_call_nor_the_lesson(case_id):
    title = PROJECT.case(case_id).title
    assert not problems(title, *_answer(case_id)), f"casebook/{case_id}.yaml title {title!r}"


def test_the_loan_title_that_gave_the_verdict_is_caught_and_gone():
    assert problems(OLD_LOAN_TITLE, *_answer("loan-steering")) == [
        "says the agent did what a rule forbids ('raised')"
    ]
    assert PROJECT.case("loan-steering").title != OLD_LOAN_TITLE


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Ship with guardrails: a refund bot", "names the call"),
        ("The no-go on a refund bot", "names the call"),
        ("How a screener rejected applicants alone", "forbids ('rejected')"),
        ("How a bot learned the lesson", "says 'lesson'"),
        ("Why the total cost of credit rose", "repeats the answer's words"),
    ],
)
def test_each_check_catches_its_kind(title, expected):
    rules = ["never reject an applicant without a person"]
    texts = ["The PM should score the agent on the total cost of credit."]
    assert any(expected in p for p in problems(title, ["no-go", "ship with guardrails"], rules, texts))
