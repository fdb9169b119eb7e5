"""The Knight Capital case (issue 18): the planted stream, the kill switches against brute force and the
closed form of the planted path, the alert routes' time-to-harm, the signature drill, the call's flip."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import nogo
from nogo.cases import knight_capital_kill_switch as knight
from nogo.cases.segment_policy import SegmentTask
from nogo.errors import InputError
from tests.unit.test_chart_keys import _svg_texts, unkeyed

PROJECT = nogo.Project.find()
CASE = PROJECT.case("knight-capital-kill-switch")
TOTAL, MINUTES, CHILD, PARENTS, SHARES = 460e6, 45, 4_000_000, 212, 397_000_000
ROUTER = "order-router release, every server checked"


def _stream(power: float = 1.0, seed: int = 1) -> pd.DataFrame:
    return knight.errant_stream(loss_total_usd=TOTAL, minutes=MINUTES, child_orders=CHILD, parent_orders=PARENTS,
                                shares=SHARES, loss_power=power, seed=seed)  # fmt: skip


def _first_row_brute_force(values: np.ndarray, limit: float) -> int | None:
    for i, v in enumerate(values):  # a plain loop: the switch's definition, row by row
        if v >= limit:
            return i
    return None


def test_the_stream_plants_the_published_totals():
    s = _stream()
    assert len(s) == MINUTES * 60 and s["second"].iloc[-1] == 2700
    assert s["loss_usd"].sum() == pytest.approx(TOTAL)
    assert int(s["child_orders"].sum()) == CHILD and int(s["shares"].sum()) == SHARES
    assert s[knight.RATIO_COLUMN].iloc[-1] == pytest.approx(CHILD / PARENTS)
    assert s["timestamp"].iloc[0] == pd.Timestamp("2012-08-01 09:30:01")
    assert (np.diff(s["cum_loss_usd"]) >= 0).all()


def test_the_case_file_builds_the_same_stream_as_its_figures_say():
    s = knight.bad_day_stream(CASE, CASE.defaults())
    assert s["loss_usd"].sum() == pytest.approx(CASE.figure("loss_usd").value)
    assert int(s["child_orders"].sum()) == CASE.figure("child_orders").value
    assert s[knight.RATIO_COLUMN].iloc[-1] == pytest.approx(
        CASE.figure("child_orders_per_parent").value, rel=1e-3
    )


def test_the_blog_loss_per_second_is_a_consistency_check_within_its_tolerance():
    """The SEC's loss over 45 minutes against the blog's $172,222 a second: arithmetic on the planted
    inputs, so a consistency check on a secondary figure, and the case reproduces no published figure."""
    figure = CASE.figure("loss_per_second_usd")
    assert figure.kind == "consistency" and figure.status == "SEEN-2nd" and figure.note
    assert all(f.kind in ("consistency", "input") for f in CASE.published_figures)
    per_second = 460e6 / (45 * 60)
    error = abs(per_second - figure.value) / figure.value
    assert error == pytest.approx(0.0108, abs=0.0005) and error <= figure.tolerance
    s = _stream()
    assert s["loss_usd"].sum() / s["second"].iloc[-1] == pytest.approx(per_second)


@pytest.mark.parametrize("power", [0.7, 1.0, 2.0])
@pytest.mark.parametrize("cap", [1e6, 5e6, 20e6, 100e6])
def test_each_loss_cap_fires_where_brute_force_says_and_lets_through_the_closed_form_loss(power, cap):
    s = _stream(power)
    out = knight.switch_table(s, [nogo.CumulativeLossCap(cap)]).iloc[0]
    i = _first_row_brute_force(s["cum_loss_usd"].to_numpy(), cap)
    assert int(out["fired_at_index"]) == i
    fire_s = knight.closed_form_fire_second("loss", cap, loss_total_usd=TOTAL, minutes=MINUTES, child_orders=CHILD,
                                            parent_orders=PARENTS, loss_power=power)  # fmt: skip
    assert fire_s == (i + 1)  # one row a second
    assert out["loss_with_switch_usd"] == pytest.approx(TOTAL * (fire_s / 2700) ** power, rel=1e-12)
    assert out["loss_with_switch_usd"] >= cap and out["loss_avoided_usd"] == pytest.approx(
        TOTAL - out["loss_with_switch_usd"]
    )


@pytest.mark.parametrize("ratio", [10, 100, 1000, 18867])
def test_each_order_to_fill_cap_fires_where_brute_force_says(ratio):
    s = _stream()
    out = knight.switch_table(s, [nogo.SignalCap(knight.RATIO_COLUMN, ratio)]).iloc[0]
    i = _first_row_brute_force(s[knight.RATIO_COLUMN].to_numpy(), ratio)
    assert int(out["fired_at_index"]) == i
    fire_s = knight.closed_form_fire_second("ratio", ratio, loss_total_usd=TOTAL, minutes=MINUTES, child_orders=CHILD,
                                            parent_orders=PARENTS)  # fmt: skip
    assert fire_s == i + 1
    # the child orders sent by then, counted directly: at least ratio x parents, one second earlier fewer
    sent = np.floor(CHILD * np.array([i, i + 1]) / 2700)
    assert sent[1] >= ratio * PARENTS > sent[0]


def test_a_ratio_cap_beyond_the_end_never_fires():
    assert knight.closed_form_fire_second("ratio", 20_000, loss_total_usd=TOTAL, minutes=MINUTES, child_orders=CHILD,
                                          parent_orders=PARENTS) == np.inf  # fmt: skip
    with pytest.raises(InputError, match="kind: expected 'loss' or 'ratio'"):
        knight.closed_form_fire_second("rate", 1, loss_total_usd=TOTAL, minutes=MINUTES, child_orders=CHILD,
                                       parent_orders=PARENTS)  # fmt: skip


@pytest.mark.parametrize("power", [1.0, 2.0])
def test_a_halt_at_minute_1_5_10_lets_through_the_planted_share(power):
    halts = knight.halt_minute_table(_stream(power), [1, 5, 10], loss_total_usd=TOTAL, minutes=MINUTES,
                                     loss_power=power)  # fmt: skip
    expected = [TOTAL * (m / 45) ** power for m in (1, 5, 10)]  # typed out, not the module's closed form
    np.testing.assert_allclose(halts["loss_let_through_usd"], expected, rtol=1e-12)
    np.testing.assert_allclose(halts["closed_form_usd"], expected, rtol=1e-12)
    if power == 1.0:
        assert halts["loss_let_through_usd"].round(-3).tolist() == [10_222_000, 51_111_000, 102_222_000]


def test_the_loss_rate_cap_and_the_cusum_fire_in_seconds():
    s = _stream()
    out = knight.switch_table(s, knight.default_switches()).set_index("switch")
    rate = out.loc["loss-rate cap $2M a minute"]
    assert int(rate["fired_at_index"]) == int(np.ceil(2e6 / (TOTAL / 2700))) - 1  # 12 seconds of $170,370
    assert out.loc["CUSUM on over-fills", "minute"] < 0.5
    assert out["fired"].all()


def test_time_to_harm_and_the_late_share_of_each_route_by_brute_force():
    t = knight.time_to_harm_table([1e6, 20e6, 100e6], loss_total_usd=TOTAL, minutes=MINUTES, seed=4, n=500)
    np.testing.assert_allclose(t["minutes_to_harm"], [45 * h / TOTAL for h in (1e6, 20e6, 100e6)])
    latencies = knight.alerts.route_latencies(500, seed=4)
    for route, lat in latencies.items():
        brute = [float(np.mean([x > m for x in lat])) for m in t["minutes_to_harm"]]
        assert t[f"late_{route}"].tolist() == pytest.approx(brute), route
    assert t["late_email only"].tolist() == [1.0, 1.0, 1.0]
    assert t["late_automatic switch"].tolist() == [0.0, 0.0, 0.0]


def test_the_chart_is_keyed_and_reads_without_scientific_notation():
    s = _stream()
    fires = knight.switch_table(
        s, [*knight.default_switches()[2:4], nogo.SignalCap("minute", 5.0, label="paged")]
    )
    spec = knight.loss_path_chart(s, fires).to_dict()
    assert unkeyed(spec) == []
    texts = _svg_texts(spec)
    assert texts and not [t for t in texts if "e+" in t or "E+" in t]


# -- the signature drill ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def task():
    case = nogo.open_case(CASE, PROJECT.data)
    return case.signature_task(case.build())


def test_knight_s_own_setting_breaks_the_rule_and_no_optimum_does(task):
    knights = task.evaluate({"loss_cap": "none", "order_fill_cap": "none", "alert_route": knight.EMAIL})
    assert knights.broken_rules == (knight.HALT_RULE,)
    assert knights.metrics["loss on the bad day (USD)"] == pytest.approx(TOTAL)
    best_setting, best = task.optimum()
    assert best_setting["loss_cap"] != "none" and not best.broken_rules
    score = task.score({"loss_cap": "none", "order_fill_cap": "none", "alert_route": knight.EMAIL})
    assert not score.correct


def test_the_bad_day_loss_of_a_setting_is_the_earliest_halt_on_the_planted_path(task):
    per_second = TOTAL / 2700
    paged = task.bad_day({"loss_cap": "$100M", "order_fill_cap": "none", "alert_route": knight.PAGE_5})
    assert paged["stopped_by"] == "the paged person" and paged["loss_usd"] == pytest.approx(300 * per_second)
    capped = task.bad_day({"loss_cap": "$20M", "order_fill_cap": "none", "alert_route": knight.PAGE_15})
    assert capped["stopped_by"] == "the loss cap" and capped["loss_usd"] == pytest.approx(118 * per_second)
    ratio = task.bad_day({"loss_cap": "$100M", "order_fill_cap": "100", "alert_route": knight.EMAIL})
    assert ratio["stopped_by"] == "the order-to-fill cap"
    assert ratio["loss_usd"] == pytest.approx(np.ceil(100 * PARENTS * 2700 / CHILD) * per_second)


def test_false_halts_count_the_normal_days_past_a_limit(task):
    halted, lost = task.false_halts(
        {"loss_cap": "$5M", "order_fill_cap": "none", "alert_route": knight.PAGE_15}
    )
    days = task.days
    assert halted.sum() == int((days["max_drawdown_usd"] >= 5e6).sum())
    assert (lost[halted] <= 15 + task.RESTART_MINUTES).all() and (lost[~halted] == 0).all()
    emailed = task.false_halts({"loss_cap": "$5M", "order_fill_cap": "none", "alert_route": knight.EMAIL})[1]
    assert (emailed >= lost).all()  # nobody restarts a halt that only emailed
    counts = [task.false_halts({"loss_cap": c, "order_fill_cap": "none", "alert_route": knight.EMAIL})[0].sum()
              for c in ("$1M", "$5M", "$20M", "$100M")]  # fmt: skip
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]


def test_no_constant_setting_is_best_on_every_variant():
    """The optimum moves with the normal days, the loss's shape and what a halt costs: across variants no
    one setting is best everywhere, and the tightest, the loosest allowed and Knight's own all cost more."""
    case = nogo.open_case(CASE, PROJECT.data)
    optima, regrets = [], {"tightest": [], "loosest allowed": []}
    for seed in [None, *range(12)]:
        values = CASE.defaults() if seed is None else CASE.variant(seed)
        t = knight.kill_switch_task(CASE, values)
        best, _ = t.optimum()
        optima.append(tuple(best.values()))
        regrets["tightest"].append(
            t.score({"loss_cap": "$1M", "order_fill_cap": "10", "alert_route": knight.PAGE_5}).regret_usd
        )
        regrets["loosest allowed"].append(
            t.score({"loss_cap": "$100M", "order_fill_cap": "none", "alert_route": knight.EMAIL}).regret_usd
        )
    assert len(set(optima)) >= 3, optima
    assert max(optima.count(o) for o in optima) <= 0.7 * len(optima), optima
    assert all(r > 0 for r in regrets["tightest"]) and all(r > 0 for r in regrets["loosest allowed"])
    assert case.signature_task(case.build()).optimum()[0] == dict(
        zip(("loss_cap", "order_fill_cap", "alert_route"), optima[0], strict=True)
    )


def test_an_alert_before_the_open_can_stop_the_bad_day_entirely():
    values = {**CASE.defaults(), "alert_lead_minutes": 20.0}
    t = knight.kill_switch_task(CASE, values)
    out = t.bad_day({"loss_cap": "$100M", "order_fill_cap": "none", "alert_route": knight.PAGE_15})
    assert out["loss_usd"] == 0 and "before the open" in out["stopped_by"]


def test_bad_inputs_are_named():
    with pytest.raises(InputError, match="running totals"):
        knight.KillSwitchTask(cum_loss_usd=[2.0, 1.0], child_per_parent=[1.0, 2.0], step_seconds=1, n_normal_days=5,
                              drawdown_median_usd=1e6, ratio_median=10, session_profit_usd=1e6)  # fmt: skip
    with pytest.raises(InputError, match="step_seconds"):
        knight.errant_stream(loss_total_usd=TOTAL, minutes=45, child_orders=CHILD, parent_orders=PARENTS,
                             shares=SHARES, step_seconds=7)  # fmt: skip


# -- the call ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_decisions", [2000, 5000])
@pytest.mark.parametrize("review_usd", [150.0, 600.0])
def test_the_call_flips_where_router_releases_stop_going_live_alone(review_usd, n_decisions):
    """The case file's `calls` comment: the segment table puts checked router releases live alone at 0.93
    and above and sends every one to a person at 0.7, at the review costs and log sizes a variant draws."""
    case = nogo.open_case(CASE, PROJECT.data)
    for accuracy in CASE.parameters["router_release_accuracy"].choices:
        values = {
            **CASE.defaults(),
            "router_release_accuracy": accuracy,
            "review_usd": review_usd,
            "n_decisions": n_decisions,
        }
        table, _ = SegmentTask(case.build(values)).optimum()
        alone = table[ROUTER] == "act"
        assert alone == (accuracy >= 0.85), (accuracy, table)
        assert CASE.call_for(values).call == ("ship with guardrails" if alone else "no-go")
