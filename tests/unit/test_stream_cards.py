"""The decision stream's cards read in words on every case of the casebook: no identifier reaches a learner.

A card shows what the agent proposes and the decision's context (``action_type``, ``segment``, a case's
own columns): values a decision log keeps as ids (``rate_cut``, ``forbearance_12m``). Every card of every
case, and the feedback after each answer, is read as a learner reads it, and any word shaped like a
snake_case identifier fails, naming the case and the card. What is scored keeps the ids.
"""

from __future__ import annotations

import html
import re

import pytest

import nogo
from nogo.practice.stream import DecisionStream
from tests.conftest import case_ids, project

IDENTIFIER = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
SEEDS = (0, 1, 2)


def _words(fragment: str) -> list[str]:
    """The words a reader sees in an HTML fragment, stripped of punctuation around them."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", fragment))
    return [w.strip(".,;:()\"'") for w in text.split()]


def identifiers(fragment: str) -> list[str]:
    """Words in ``fragment`` shaped like a snake_case identifier.

    >>> identifiers("The agent proposes: <b>rate_cut</b>, decision 3<br>term: <b>extended by a year</b>")
    ['rate_cut']
    """
    return [w for w in _words(fragment) if IDENTIFIER.match(w)]


@pytest.fixture(scope="module", params=case_ids())
def built(request):
    casebook = project()
    case = nogo.open_case(casebook.case(request.param), casebook.data)
    return case, case.build()


def test_every_card_and_its_feedback_read_in_words(built):
    case, data = built
    shown = 0
    for seed in SEEDS:
        stream = DecisionStream(case, data, seed=seed)
        for k, optimal in enumerate(stream.items["optimal"]):
            card = stream.item_html.value
            assert "The agent proposes" in card, card
            found = identifiers(card)
            assert found == [], f"{case.id}, seed {seed}, card {k + 1}: ids on the card {found}:\n{card}"
            stream.answer(optimal)
            found = identifiers(stream.feedback_html.value)
            assert found == [], f"{case.id}, seed {seed}, card {k + 1}: ids in the feedback {found}"
            shown += 1
    assert shown >= len(SEEDS)


def test_what_is_scored_keeps_the_logs_ids():
    """The loan case's cards say "a rate cut", and its stream's items still hold ``rate_cut``."""
    casebook = project()
    if "loan-steering" not in case_ids(casebook):
        pytest.skip("no loan-steering case in this casebook")
    case = nogo.open_case(casebook.case("loan-steering"), casebook.data)
    data = case.build()
    stream = DecisionStream(case, data, seed=0)
    assert set(stream.items["action_type"]) <= set(data.log["action_type"])
    assert any("_" in t for t in stream.items["action_type"])  # ids, as the log holds them
    first = stream.items["action_type"].iloc[0]
    assert f"<b>{html.escape(case.CARD_LABELS[first])}</b>" in stream.item_html.value
