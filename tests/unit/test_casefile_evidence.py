"""The case file's ``drill.evidence`` (issue 14, item 5): the facts a launch call's justification picks
from, deciding ones among irrelevant ones; optional; every problem named by field path and line."""

from __future__ import annotations

import re

import pytest

import nogo
from nogo import CaseFileError, load_case
from tests.unit.test_casefile import TEMPLATE, _line_of, _write

EVIDENCE = """  evidence:
    - fact: a wrong action costs more than a review
      deciding: true
      why: it is what makes a person worth paying
    - fact: the agent answers in under a second
      deciding: false
      why: speed says nothing about harm
    - fact: the agent states 90% on its riskiest actions
      deciding: true
      why: its confidence cannot be the rule
"""
WITH_EVIDENCE = TEMPLATE.replace("\n\nrubric:", "\n" + EVIDENCE + "\nrubric:", 1)


def test_evidence_is_optional_and_loads_in_order(tmp_path):
    assert load_case(_write(tmp_path, TEMPLATE)).drill.evidence == []
    case = load_case(_write(tmp_path, WITH_EVIDENCE))
    assert [(e.fact, e.deciding) for e in case.drill.evidence] == [
        ("a wrong action costs more than a review", True),
        ("the agent answers in under a second", False),
        ("the agent states 90% on its riskiest actions", True),
    ]
    assert case.drill.evidence[1] == nogo.Evidence(
        fact="the agent answers in under a second", deciding=False, why="speed says nothing about harm"
    )


@pytest.mark.parametrize(
    ("old", "new", "path", "needle", "message"),
    [
        ("      deciding: false\n", "      deciding: true\n", "drill.evidence", "evidence:",
         r"no fact with deciding: false: .* at least one of each"),
        ("      deciding: true\n      why: it is what", "      deciding: false\n      why: it is what",
         "drill.evidence", "evidence:", None),  # still one deciding fact left: loads
        ("      deciding: false\n", "      deciding: \"no\"\n", "drill.evidence[1].deciding", "deciding: \"no\"",
         r"valid boolean"),
        ("      deciding: false\n", "", "drill.evidence[1].deciding", "- fact: the agent answers", r"missing required field"),
        ("      why: speed says nothing about harm\n", "", "drill.evidence[1].why", "- fact: the agent answers",
         r"missing required field"),
        ("    - fact: the agent answers in under a second", "    - fact: A wrong action  costs more than a review",
         "drill.evidence", "evidence:", r"repeated fact\(s\) 'a wrong action costs more than a review'"),
        ("      why: speed says nothing about harm\n", "      why: speed says nothing about harm\n      weight: 2\n",
         "drill.evidence[1].weight", "weight: 2", r"unknown field"),
        ("    - fact: the agent answers in under a second", "    - fact: ''", "drill.evidence[1].fact", "fact: ''",
         r"at least 1 character"),
    ],
)  # fmt: skip
def test_bad_evidence_names_field_and_line(tmp_path, old, new, path, needle, message):
    assert old in WITH_EVIDENCE, old
    text = WITH_EVIDENCE.replace(old, new, 1)
    if message is None:
        assert sum(e.deciding for e in load_case(_write(tmp_path, text)).drill.evidence) == 1
        return
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text))
    problems = [(p.path, p.line, p.detail) for p in info.value.problems]
    assert len(problems) == 1, problems
    assert problems[0][:2] == (path, _line_of(text, needle)), problems
    assert re.search(message, problems[0][2]), problems[0][2]


def test_evidence_problems_are_listed_with_the_drills_other_problems(tmp_path):
    text = WITH_EVIDENCE.replace("      deciding: false\n", "      deciding: true\n", 1)
    key = "must name\n    - a value cap above which a person approves\n"
    assert key in text
    text = text.replace(key, "must name\n    - a moat\n", 1)
    with pytest.raises(CaseFileError) as info:
        load_case(_write(tmp_path, text))
    assert [(p.path, p.line) for p in info.value.problems] == [
        ("drill.key_guardrails", _line_of(text, "key_guardrails:")),
        ("drill.evidence", _line_of(text, "evidence:")),
    ]
