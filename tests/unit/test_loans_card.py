"""The loan case's stream card: the borrower's hardship and what the offer does to what they owe (issue 14,
item 2), in categories a learner can tabulate, never the answer."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import nogo


@pytest.fixture(scope="module")
def built():
    case = nogo.open_case(nogo.Project.find().case("loan-steering"))
    return case, case.build()


def test_the_card_says_hardship_and_what_the_offer_does_to_what_the_borrower_owes(built):
    case, data = built
    card, log = case.card(data), data.log
    assert (card["borrower"] == np.where(log["hardship"], "in hardship", "not in hardship")).all()
    rises = card["what_the_borrower_owes"] == "rises by the value at stake"
    assert (rises == log["raises_total_cost"]).all()
    falls = card["what_the_borrower_owes"] == "falls by the value at stake"
    assert (log.loc[falls, "total_cost_change_usd"] < 0).all() and (rises | falls).sum() > 0
    assert (card.loc[log["term_months_added"] == 0, "term"] == "unchanged").all()
    assert (card.loc[log["action_type"] == "forbearance_3m", "term"] == "extended by up to a year").all()


def test_the_card_is_categories_and_never_the_answer(built):
    case, data = built
    card = case.card(data)
    assert len(card) == len(data.log)
    assert not {"p", "outcome", "informed_consent", "consent_recorded"} & set(card.columns)
    assert all(card[c].nunique() <= 5 for c in card.columns), card.nunique().to_dict()


def test_the_stream_shows_the_card(built):
    case, data = built
    with contextlib.redirect_stdout(io.StringIO()):
        w = nogo.DecisionStream(case, data, seed=0)
    page, item = w.item_html.value, w.current
    for label in ("borrower", "what the borrower owes", "term"):
        assert f"{label}: <b>{item[label.replace(' ', '_')]}</b>" in page
