"""Decision stream: the draw against a brute-force argmin written from the cost formulas, the reveal
against hand arithmetic, the naive rule against the optimum over seeds, the widget headless, and
persistence through a reopened progress store (the "kernel restart" analogue)."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nogo
from nogo.errors import InputError
from nogo.practice.stream import (
    STREAM_CHOICES,
    STREAM_KINDS,
    DecisionStream,
    draw_stream,
    reveal,
    stream_chart,
    stream_disagreements,
    stream_summary,
    stream_text,
)

ROOT = Path(__file__).resolve().parents[2]
REVIEW_USD, MISS_RATE, MISSED_SHARE = 25.0, 0.05, 0.2
MODEL = nogo.CostModel(
    [
        nogo.CostComponent("wrong action", "false_action", value_share=1.0),
        nogo.CostComponent("missed value", "missed", value_share=MISSED_SHARE),
        nogo.CostComponent("review", "review", base_usd=REVIEW_USD),
    ],
    reviewer_miss_rate=MISS_RATE,
)


def _hand_costs(p: float, value: float, outcome: bool) -> tuple[dict, dict]:
    """Expected and realised cost of each action, written from the cost model's definition by hand."""
    expected = {
        "act": (1 - p) * value,
        "escalate": REVIEW_USD + (1 - p) * MISS_RATE * value,
        "block": p * MISSED_SHARE * value,
    }
    realised = {
        "act": 0.0 if outcome else value,
        "escalate": REVIEW_USD + (0.0 if outcome else MISS_RATE * value),
        "block": MISSED_SHARE * value if outcome else 0.0,
    }
    return expected, realised


def _argmin(costs: dict) -> str:
    best = min(costs.values())
    return next(a for a in STREAM_CHOICES if costs[a] == best)  # ties: first of act, escalate, block


def _stream(seed: int, *, n_log: int = 4000, overconfidence: float = 0.9, **kwargs) -> pd.DataFrame:
    log = nogo.example_log(n_log, seed=seed, overconfidence=overconfidence)
    costs = MODEL.decision_costs(log["value_usd"])
    kwargs.setdefault("n_items", 12)
    return draw_stream(log, log["p_true"], costs, seed=seed + 1000, naive_confidence=0.9, **kwargs)


@pytest.fixture(scope="module")
def case():
    return nogo.load_case(ROOT / "casebook" / "_template.yaml")


@pytest.fixture(scope="module")
def logged():
    log = nogo.example_log(3000, seed=11, overconfidence=0.8)
    return log, log["p_true"].to_numpy(), MODEL.decision_costs(log["value_usd"])


# --- draw_stream ----------------------------------------------------------------------------------


def test_same_seed_same_stream_other_seed_other_stream(logged):
    log, p, costs = logged
    a = draw_stream(log, p, costs, n_items=12, seed=5)
    pd.testing.assert_frame_equal(a, draw_stream(log, p, costs, n_items=12, seed=5))
    assert a.attrs == draw_stream(log, p, costs, n_items=12, seed=5).attrs
    assert set(a["row"]) != set(draw_stream(log, p, costs, n_items=12, seed=6)["row"])
    assert a["row"].is_unique and len(a) == 12 and a["item"].tolist() == list(range(1, 13))


def test_every_item_matches_a_brute_force_argmin_from_the_cost_formulas(logged):
    log, p, costs = logged
    s = draw_stream(log, p, costs, n_items=40, seed=3)
    for r in s.itertuples():
        row = log.iloc[r.row]
        assert (r.decision_id, r.score, r.value_usd) == (row.decision_id, row.score, row.value_usd)
        expected, realised = _hand_costs(row.p_true, row.value_usd, row.outcome)
        for a in STREAM_CHOICES:
            assert getattr(r, f"expected_{a}_usd") == pytest.approx(expected[a], rel=1e-12)
            assert getattr(r, f"realised_{a}_usd") == pytest.approx(realised[a], rel=1e-12)
        assert r.optimal == _argmin(expected)
        assert r.naive == ("act" if row.score >= 0.9 else "escalate")
        assert r.naive_regret_usd == pytest.approx(expected[r.naive] - expected[r.optimal], abs=1e-9)


def test_kinds_follow_their_definitions_and_the_mix_is_as_documented(logged):
    log, p, costs = logged
    s = draw_stream(log, p, costs, n_items=12, seed=3)
    false_usd = s["value_usd"]  # the model's wrong-action cost is the value at stake; a review is $25
    over = (s["naive"] == "act") & (s["optimal"] != "act")
    held = (s["naive"] != "act") & (s["naive"] != s["optimal"])
    expected_kind = np.select(
        [over, held & (false_usd <= REVIEW_USD), held & (s["naive"] == "escalate"), held],
        list(STREAM_KINDS[1:]),
        STREAM_KINDS[0],
    )
    assert s["kind"].tolist() == expected_kind.tolist()
    assert (s.loc[s["kind"] == "easy", "naive"] == s.loc[s["kind"] == "easy", "optimal"]).all()
    # "trivial stakes" only where a wrong action costs no more than a review
    assert (s.loc[s["kind"] == STREAM_KINDS[2], "false_action_usd"] <= REVIEW_USD).all()
    # 12 items spread over the three optimal actions; half of each action's items are traps where the
    # log has them: the naive rule never blocks (a reviewer is there), so every block item is a trap
    assert s.attrs["optimal_mix"] == {"act": 4, "escalate": 4, "block": 4}
    traps = s.groupby("optimal")["kind"].apply(lambda k: int((k != "easy").sum())).to_dict()
    assert traps["escalate"] == 2 and traps["block"] == 4
    assert s.attrs["mix"] == s["kind"].value_counts().reindex(STREAM_KINDS, fill_value=0).to_dict()


def test_only_clear_calls_are_drawn():
    # the second-cheapest action costs at least half as much again as the cheapest (plus a cent)
    log = nogo.example_log(3000, seed=2, overconfidence=0.8)
    costs = MODEL.decision_costs(log["value_usd"])
    for seed in range(5):
        s = draw_stream(log, log["p_true"], costs, n_items=12, seed=seed)
        e = np.sort(s[[f"expected_{c}_usd" for c in STREAM_CHOICES]].to_numpy(), axis=1)
        assert (e[:, 1] - e[:, 0] >= 0.5 * e[:, 0] + 0.01).all()


def test_an_action_the_log_lacks_is_filled_from_the_others():
    # calibrated scores below 0.85 and flat costs: acting is never optimal (escalate for p in (0.25, 0.95),
    # block below 0.25), so the 10 items split 5 and 5 between escalate and block
    rng = np.random.default_rng(0)
    score = rng.uniform(0, 0.85, size=300)
    log = pd.DataFrame({"score": score, "outcome": rng.uniform(size=300) < score, "value_usd": 10.0})
    costs = nogo.DecisionCosts(false_action_usd=10.0, missed_usd=2.0, escalate_usd=0.5)
    s = draw_stream(log, score, costs, n_items=10, seed=1)
    assert s.attrs["optimal_mix"] == {"act": 0, "escalate": 5, "block": 5}
    assert s.attrs["available"][STREAM_KINDS[1]] == 0
    s = draw_stream(log, score, costs, n_items=10, seed=1, trap_share=1.0)
    assert (s["kind"] != "easy").sum() == 5  # only the block items are traps: the naive rule escalates


def test_a_hard_rule_is_never_the_optimum_and_the_naive_rule_routes_to_a_person():
    # blocking is cheapest on every decision in expectation, but a hard rule forbids blocking alone on
    # the first two: there the cheapest allowed action is the optimum
    log = pd.DataFrame({"score": [0.95, 0.2, 0.2, 0.95], "outcome": [0, 0, 0, 0], "value_usd": 100.0})
    costs = nogo.DecisionCosts(false_action_usd=100.0, missed_usd=10.0, escalate_usd=5.0)
    p = [0.3, 0.05, 0.05, 0.3]  # act 70 / 95; escalate 5; block 3 / 0.5
    allowed = np.ones((4, 3), bool)
    allowed[:2, 2] = False
    allowed[3, 0] = False
    rules = ["never block alone"] * 2 + ["", "a person approves"]
    s = draw_stream(log, p, costs, n_items=4, seed=0, allowed=allowed, rules=rules).sort_values("row")
    assert s["optimal"].tolist() == ["escalate", "escalate", "block", "block"]
    assert s["naive"].tolist() == ["act", "escalate", "escalate", "escalate"]  # no acting where forbidden
    assert s["block_allowed"].tolist() == [False, False, True, True]
    assert s["forbidden"].tolist() == ["block", "block", "", "act"]
    assert "rules out block alone" in s["reason"].iloc[0] and "rules out" not in s["reason"].iloc[2]
    # blocking would be cheaper in expectation than the optimum there: a breach is refused, not scored
    first = s.iloc[0]
    assert first["expected_block_usd"] < first[f"expected_{first['optimal']}_usd"]
    with pytest.raises(InputError, match=r"'block' is not available.*hard rule \(never block alone\)"):
        reveal(first, "block")
    assert reveal(first, "escalate").regret_usd == 0.0


@settings(max_examples=40, deadline=None)
@given(
    st.integers(5, 60),
    st.integers(0, 2**31),
    st.floats(0.5, 0.99),
    st.floats(0, 1),
    st.floats(0, 50),
)
def test_property_optimal_is_argmin_and_stream_is_a_valid_sample(n, seed, naive, share, review_usd):
    rng = np.random.default_rng(seed)
    p = rng.uniform(size=n)
    value = rng.lognormal(3, 2, size=n)
    log = pd.DataFrame({"score": np.sqrt(p), "outcome": rng.uniform(size=n) < p, "value_usd": value})
    costs = nogo.DecisionCosts(false_action_usd=value, missed_usd=0.3 * value, escalate_usd=review_usd)
    k = int(rng.integers(1, n + 1))
    s = draw_stream(log, p, costs, n_items=k, seed=seed, naive_confidence=naive, trap_share=share)
    assert len(s) == k and s["row"].is_unique
    for r in s.itertuples():
        exp = {
            "act": (1 - p[r.row]) * value[r.row],
            "escalate": review_usd,
            "block": 0.3 * p[r.row] * value[r.row],
        }
        best = min(exp.values())
        assert exp[r.optimal] <= best * (1 + 1e-12) + 1e-12
    assert sum(s.attrs["mix"].values()) == k
    for kind, taken in s.attrs["mix"].items():
        assert taken <= s.attrs["available"][kind]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda log, p: (log.drop(columns="value_usd"), p), r"log: missing column 'value_usd'"),
        (lambda log, p: (log, p[:-1]), r"p: expected one probability per row of log \(50\), got 49"),
        (
            lambda log, p: (log, np.r_[p[:-1], 1.5]),
            r"p: expected probabilities in \[0, 1\], found 1.5 at row 49",
        ),
        (lambda log, p: (log.assign(score=np.r_[np.nan, log.score[1:]]), p), r"log\['score'\].*nan.*row 0"),
        (lambda log, p: (log.assign(outcome=2), p), r"log\['outcome'\]: expected 0/1.*found 2 at row 0"),
        (lambda log, p: (log.assign(value_usd=-1.0), p), r"log\['value_usd'\]: expected values >= 0"),
        (lambda log, p: (log.to_dict(), p), r"log: expected a pandas DataFrame"),
    ],
)
def test_bad_inputs_are_named(change, message):
    log = pd.DataFrame({"score": np.linspace(0, 1, 50), "outcome": [0, 1] * 25, "value_usd": 10.0})
    p = np.linspace(0, 1, 50)
    log, p = change(log, p)
    with pytest.raises(InputError, match=message):
        draw_stream(log, p, nogo.DecisionCosts(10.0, 1.0, 2.0), n_items=5, seed=0)


def test_bad_options_are_named():
    log = pd.DataFrame({"score": [0.5, 0.9], "outcome": [0, 1], "value_usd": 10.0})
    costs = nogo.DecisionCosts(10.0, 1.0, 2.0)
    with pytest.raises(
        InputError, match=r"n_items: expected a whole number from 1 to 2 \(the rows of log\), got 3"
    ):
        draw_stream(log, [0.5, 0.9], costs, n_items=3, seed=0)
    with pytest.raises(InputError, match=r"seed: expected a whole number >= 0, got 1.5"):
        draw_stream(log, [0.5, 0.9], costs, n_items=1, seed=1.5)
    with pytest.raises(InputError, match=r"trap_share: expected probabilities in \[0, 1\]"):
        draw_stream(log, [0.5, 0.9], costs, n_items=1, seed=0, trap_share=2)
    with pytest.raises(InputError, match=r"costs: expected scalar costs or one per row of log \(2\), got 3"):
        draw_stream(log, [0.5, 0.9], nogo.DecisionCosts([1.0, 2.0, 3.0], 1.0), n_items=1, seed=0)
    with pytest.raises(InputError, match=r"costs: expected a nogo.DecisionCosts, got dict"):
        draw_stream(log, [0.5, 0.9], {"false_action_usd": 1}, n_items=1, seed=0)


def test_without_a_reviewer_the_naive_rule_holds_back_and_reasons_say_so():
    log = pd.DataFrame({"score": [0.95, 0.5, 0.2], "outcome": [1, 0, 0], "value_usd": 100.0})
    costs = nogo.DecisionCosts(false_action_usd=100.0, missed_usd=20.0)  # escalate_usd = inf
    s = draw_stream(log, [0.95, 0.5, 0.2], costs, n_items=3, seed=0).sort_values("row")
    assert s["naive"].tolist() == ["act", "block", "block"]
    assert s["optimal"].tolist() == ["act", "block", "block"]  # act 5 < block 19; act 50 > block 10
    assert "nobody can review it" in s["reason"].iloc[1]


# --- reveal ---------------------------------------------------------------------------------------


def test_reveal_matches_hand_arithmetic():
    # p = 0.93 on a $48,000 decision that went wrong: expected act 3,360, escalate 25 + 0.05*0.07*48,000
    log = pd.DataFrame({"score": [0.97], "outcome": [False], "value_usd": [48_000.0]})
    s = draw_stream(log, [0.93], MODEL.decision_costs(log["value_usd"]), n_items=1, seed=0)
    item = s.iloc[0]
    assert item["optimal"] == "escalate" and item["naive"] == "act" and item["kind"] == STREAM_KINDS[1]
    assert item["reason"] == (
        "the agent says 97%; decisions like this are right 93% of the time; a wrong action costs $48,000 "
        "here; acting at 93% is $3,360 expected; escalating is $193 expected (a $25.00 review, and the "
        "reviewer misses 5% of wrong actions); blocking is $8,928 expected in missed value; escalate is "
        "cheapest"
    )
    f = reveal(item, "act")
    assert f.cost_usd == 48_000.0  # acting was wrong: the whole value
    assert f.optimal_cost_usd == pytest.approx(25 + 0.05 * 48_000)  # review, plus the 5% the reviewer misses
    assert f.naive_cost_usd == 48_000.0
    assert f.expected_cost_usd == pytest.approx(0.07 * 48_000)
    assert f.optimal_expected_cost_usd == pytest.approx(25 + 0.05 * 0.07 * 48_000)
    assert f.regret_usd == pytest.approx(0.07 * 48_000 - 25 - 0.05 * 0.07 * 48_000)
    assert f.realised_regret_usd == pytest.approx(48_000 - 25 - 2_400)
    assert not f.correct and f.outcome is False
    b = reveal(item, "decline")  # the models' word is accepted and recorded in the drill's
    assert b.choice == "block" and b.cost_usd == 0.0 and b.realised_regret_usd == pytest.approx(-2_425)
    assert b.regret_usd == pytest.approx(0.93 * 0.2 * 48_000 - 25 - 0.05 * 0.07 * 48_000)


def test_reveal_validates():
    with pytest.raises(InputError, match=r"choice: expected one of 'act', 'escalate', 'block', got 'ship'"):
        reveal({}, "ship")
    with pytest.raises(InputError, match=r"item: missing 'item'; expected a row of draw_stream"):
        reveal({}, "act")


# --- judgement, not luck --------------------------------------------------------------------------


def _total(s: pd.DataFrame, policy: str) -> tuple[float, float]:
    answers = [reveal(r, r[policy]) for _, r in s.iterrows()]
    return sum(a.cost_usd for a in answers), sum(a.regret_usd for a in answers)


def test_the_naive_rule_costs_more_than_the_optimum_across_seeds():
    """A badly overconfident agent (score = p ** 0.1), a value-dependent cost of error, 40 items.

    Outcomes are random, so on any one stream the naive rule can be lucky: simulating outcomes from the
    planted p, it costs more than the optimum with probability about 0.99 per stream here. In
    expectation it always costs more, and over the ten streams together it costs far more.
    """
    worse, naive_sum, optimal_sum = 0, 0.0, 0.0
    for seed in range(10):
        s = _stream(seed, n_items=40)
        naive, naive_regret = _total(s, "naive")
        optimal, optimal_regret = _total(s, "optimal")
        assert optimal_regret == 0.0 and naive_regret > 0  # the judgement: always, by the expectation
        worse += naive > optimal
        naive_sum, optimal_sum = naive_sum + naive, optimal_sum + optimal
    assert worse >= 9
    assert naive_sum > 3 * optimal_sum


def test_following_the_optimum_has_zero_expected_regret_and_nothing_beats_it():
    s = _stream(2, n_items=30)
    rng = np.random.default_rng(0)
    assert all(reveal(r, r["optimal"]).regret_usd == 0.0 for _, r in s.iterrows())
    for _ in range(20):  # random learners: never below the optimum in expectation
        regrets = [reveal(r, str(rng.choice(STREAM_CHOICES))).regret_usd for _, r in s.iterrows()]
        assert min(regrets) >= 0.0


# --- summary, chart, text -------------------------------------------------------------------------


def _answers(s: pd.DataFrame, policy) -> pd.DataFrame:
    rows = [
        asdict(f) | {"correct": f.correct, "time_taken_seconds": 1.0}
        for f in (reveal(r, policy(r)) for _, r in s.iterrows())
    ]
    return pd.DataFrame(rows)


def test_summary_totals_are_cumulative_sums_and_the_chart_plots_them():
    s = _stream(4)
    a = _answers(s, lambda r: "escalate")
    summary = stream_summary(a)
    assert len(summary) == 3 * len(s) and summary["policy"].tolist()[:3] == ["you", "cost-optimal", "naive"]
    you = summary[summary["policy"] == "you"]
    assert you["cumulative_cost_usd"].to_numpy() == pytest.approx(np.cumsum(a["cost_usd"]))
    naive = summary[summary["policy"] == "naive"]
    assert naive["cumulative_expected_cost_usd"].iloc[-1] == pytest.approx(a["naive_expected_cost_usd"].sum())
    optimal = summary[summary["policy"] == "cost-optimal"]
    assert optimal["cumulative_cost_usd"].iloc[-1] == pytest.approx(
        sum(r[f"realised_{r['optimal']}_usd"] for _, r in s.iterrows())
    )
    spec = stream_chart(summary).to_dict()
    line, points = spec["layer"]
    assert line["mark"]["type"] == "line" and points["mark"]["type"] == "point"
    enc = spec["encoding"] if "encoding" in spec else line["encoding"]
    assert enc["x"]["field"] == "item" and enc["y"]["field"] == "cumulative_cost_usd"
    assert enc["color"]["scale"]["domain"] == ["you", "cost-optimal", "naive"]
    with pytest.raises(InputError, match="summary: expected the frame of stream_summary"):
        stream_chart(a)
    with pytest.raises(InputError, match=r"answers: missing column 'cost_usd'"):
        stream_summary(a.drop(columns="cost_usd"))


def test_disagreements_and_text_name_each_miss_with_its_reason():
    s = _stream(5)
    a = _answers(s, lambda r: "act")
    dis = stream_disagreements(a)
    assert set(dis["item"]) == set(s.loc[s["optimal"] != "act", "item"])
    assert (np.diff(dis["regret_usd"]) <= 0).all()
    text = stream_text(a, 12)
    assert text.startswith("Decision stream: 12 of 12 items answered.")
    assert f"You made the cost-optimal call on {int((s['optimal'] == 'act').sum())} of 12." in text
    for r in dis.itertuples():
        assert (
            f"- item {r.item} (decision {r.decision_id}, {r.kind}): you chose act, the optimum {r.optimal}"
            in text
        )
        assert r.reason in text


# --- the widget, headless -------------------------------------------------------------------------


def _money(x: float) -> str:
    return f"${x:,.0f}" if x >= 100 else f"${x:,.2f}"


def _widget(case, logged, **kwargs):
    log, p, costs = logged
    kwargs.setdefault("clock", itertools.count().__next__)  # 0, 1, 2, ...: every answer takes 1 second
    return DecisionStream(case, log, p, costs, seed=7, **kwargs)


def test_widget_clicks_reveal_costs_and_advance(case, logged, capsys):
    w = _widget(case, logged, learner="<script>alert(1)</script>")
    assert capsys.readouterr().out == ""  # nothing printed: the widget says where it stands
    assert "Decision 1 of 12: 0 answered." in w.status_html.value
    fallback = w._repr_mimebundle_()["text/plain"]  # for a saved notebook read without a kernel
    assert "Decision stream: 0 of 12 items answered." in fallback and fallback == w.brief_text()
    assert w.record_text() == "no decision answered yet (0 of 12)."
    assert "&lt;script&gt;" in w.header_html.value and "<script>" not in w.header_html.value
    first = w.current
    assert w.answers.empty and not w.done and f"decision {first['decision_id']}" in w.item_html.value
    w.buttons["escalate"].click()
    assert w.error is None and len(w.answers) == 1
    row = w.answers.iloc[0]
    assert row["choice"] == "escalate" and row["decision_id"] == first["decision_id"]
    assert row["cost_usd"] == first["realised_escalate_usd"] and row["time_taken_seconds"] == 1.0
    assert (
        f"Your cost {_money(row['cost_usd'])}, optimal {_money(row['optimal_cost_usd'])}"
        in w.feedback_html.value
    )
    assert "Realised cost (what happened): you" in w.score_html.value
    assert w.current["item"] == 2
    assert "Decision 2 of 12: 1 answered, the cost-optimal call on" in w.status_html.value  # live
    w.buttons["block"].click()
    assert w.answers["choice"].tolist() == ["escalate", "block"]
    w.run_scripted([r["optimal"] for _, r in w.items.iloc[2:].iterrows()])
    assert w.done and w.current is None and all(b.disabled for b in w.buttons.values())
    assert "<svg" in w.end_html.value and "Where you and the optimum disagreed" in w.end_html.value
    w.buttons["act"].click()  # after the end: the message is shown, nothing is recorded
    assert "the stream is finished" in w.error and len(w.answers) == 12
    text = w.summary_text()
    assert "12 of 12 items answered" in text and w.record_text() in text
    assert "All 12 decisions answered: the cost-optimal call on" in w.status_html.value
    assert w._repr_mimebundle_()["text/plain"] == fallback  # the brief, never the answers
    optimal = w.items["optimal"].tolist()
    assert w.answers["correct"].tolist() == [optimal[0] == "escalate", optimal[1] == "block"] + [True] * 10


def test_widget_disagreement_table_escapes_and_carries_reasons(case):
    log = nogo.example_log(2000, seed=3, overconfidence=0.8)
    log["action_type"] = "<b>refund</b>"
    w = DecisionStream(case, log, log["p_true"], MODEL.decision_costs(log["value_usd"]), seed=1)
    assert "&lt;b&gt;refund&lt;/b&gt;" in w.item_html.value
    w.run_scripted(["act"] * 12)
    dis = stream_disagreements(w.answers)
    assert len(dis) > 0
    for reason in dis["reason"]:
        assert reason in w.end_html.value


def test_escalate_is_disabled_where_nobody_can_review(case):
    log = pd.DataFrame({"score": np.linspace(0.1, 0.99, 40), "outcome": [0, 1] * 20, "value_usd": 50.0})
    costs = nogo.DecisionCosts(false_action_usd=50.0, missed_usd=10.0)
    w = DecisionStream(case, log, log["score"], costs, seed=0)
    assert w.buttons["escalate"].disabled and not w.buttons["act"].disabled
    w.buttons["escalate"].click()
    assert "not available" in w.error and w.answers.empty


def test_every_click_is_stored_and_survives_reopening(case, logged, tmp_path):
    path = tmp_path / "p.sqlite3"
    store = nogo.ProgressStore(path)
    w = _widget(case, logged, store=store, learner="ana", variant_seed=42)
    for choice in ["act", "escalate", "block", "act"]:
        w.buttons[choice].click()
    store.close()  # the kernel dies here
    reopened = nogo.ProgressStore(path).attempts()
    assert len(reopened) == 4 and reopened["attempt_id"].tolist() == w.attempt_ids
    a = w.answers
    assert reopened["item"].tolist() == [f"decision {d}" for d in a["decision_id"]]
    assert reopened["choice"].tolist() == ["act", "escalate", "block", "act"]
    assert reopened["optimal_choice"].tolist() == a["optimal"].tolist()
    assert reopened["cost_usd"].to_numpy() == pytest.approx(a["cost_usd"].to_numpy())
    assert reopened["optimal_cost_usd"].to_numpy() == pytest.approx(a["optimal_cost_usd"].to_numpy())
    assert (reopened["drill"] == "stream").all() and (reopened["variant_seed"] == 42).all()
    assert (reopened["learner"] == "ana").all() and (reopened["time_taken_seconds"] == 1.0).all()
    assert reopened["correct"].tolist() == a["correct"].tolist()


def test_widget_scripted_naive_learner_has_positive_expected_regret(case):
    for seed in range(3):
        log = nogo.example_log(3000, seed=seed, overconfidence=0.8)
        w = DecisionStream(case, log, log["p_true"], MODEL.decision_costs(log["value_usd"]), seed=seed)
        naive = w.items["naive"].tolist()
        w.run_scripted(naive)
        assert w.answers["regret_usd"].sum() > 0
        assert w.answers["expected_cost_usd"].sum() > w.answers["optimal_expected_cost_usd"].sum()


def test_widget_validates_its_arguments(case, logged):
    with pytest.raises(InputError, match="learner: expected a non-empty name"):
        _widget(case, logged, learner=" ")
    with pytest.raises(InputError, match=r"variant_seed: expected a whole number >= 0, got -1"):
        _widget(case, logged, variant_seed=-1)


def test_widget_html_is_safe_from_maths_typesetting(case):
    from nogo.formatting import html_dollars

    safe = '<div class="mathjax_ignore tex2jax_ignore">'
    log = nogo.example_log(2000, seed=3, overconfidence=0.8)
    w = DecisionStream(case, log, log["p_true"], MODEL.decision_costs(log["value_usd"]), seed=1)
    assert w.item_html.value.startswith(safe) and "$" in w.item_html.value
    w.run_scripted(["act"] * 12)
    for box in (w.header_html, w.feedback_html, w.score_html, w.end_html):
        assert box.value.startswith(safe) and html_dollars(box.value) == 0
    w.buttons["act"].click()  # an error message, shown the same way
    assert w.feedback_html.value.startswith(safe)


def test_a_case_s_card_hook_may_derive_context_and_the_card_shows_it(case):
    opened = nogo.open_case(case)

    class Derived(type(opened)):
        def card(self, data):
            return pd.DataFrame({"segment": data.log["segment"], "large": data.log["value_usd"] > 1000})

    derived = Derived(case)
    data = derived.build()
    w = DecisionStream(derived, data, seed=3)
    item = w.current
    assert w.items.attrs["context"] == ["segment", "large"]
    assert bool(item["large"]) == (item["value_usd"] > 1000)
    assert f"large: <b>{item['large']}</b>" in w.item_html.value
    assert "large" not in data.log.columns  # the case's data is left as it was

    class Broken(type(opened)):
        def card(self, data):
            return data.log.head(2)

    with pytest.raises(InputError, match=r"Case\.card must return one row per decision"):
        DecisionStream(Broken(case), data, seed=3)
