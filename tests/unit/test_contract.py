"""Agent Impact Contract: validation paths with their messages, round trips, rendering, escaping, page budget."""

from __future__ import annotations

import copy
import math
import pickle
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from nogo.errors import InputError
from nogo.models.contract import (
    MAX_PAGE_CHARS,
    AgentImpactContract,
    ContractError,
    Escalation,
    Metric,
    PromotionGate,
    Rollback,
)

SOURCE = "casebook/billing-disputes.yaml"


def _metric(name, baseline, target, direction="decrease", **kw):
    return {
        "name": name,
        "baseline": baseline,
        "target": target,
        "unit": kw.pop("unit", "%"),
        "window": kw.pop("window", "30 days"),
        "owner": kw.pop("owner", "Support operations lead"),
        "direction": direction,
        **kw,
    }


def _valid() -> dict:
    """A contract as a YAML case file would hold it (illustrative numbers)."""
    return {
        "workflow": "Billing disputes under $50",
        "business_outcome": [
            _metric(
                "cost per resolved dispute",
                14,
                9,
                unit="USD",
                owner="Finance",
                data_source="finance.disputes",
            ),
            _metric("credits written off", 120_000, 90_000, unit="USD per month", window="monthly"),
        ],
        "customer_outcome": [_metric("reopened within 24 hours", 8, 5)],
        "adoption": [_metric("drafts accepted unedited", 0, 70, direction="increase")],
        "workflow_metrics": [
            _metric("escalation rate", 100, 40),
            _metric("cycle time", 48, 6.5, unit="hours", window="rolling 4 weeks"),
            _metric("wrong credits (error budget)", 1.5, 0.5),
        ],
        "autonomy_level": "approval",
        "promotion_gate": {
            "criteria": "Audited wrong credits under 1% on approved decisions.",
            "error_budget": 0.01,
            "min_decisions": 400,
        },
        "rollback": {
            "trigger": "reopen rate above 8% on any day",
            "path": "back to draft; on-call lead flips the flag",
        },
        "escalation": {
            "owner": "Billing team lead",
            "capacity_per_hour": 30,
            "latency_target_minutes": 60,
            "time_to_harm_minutes": 1440,
            "when_queue_full": "hold the dispute and tell the customer the wait",
        },
        "never_optimise": [
            "credits issued to close a dispute faster",
            "resolution rate by discouraging reopenings",
        ],
    }


def _set_path(data: dict, path: str, value) -> dict:
    """Set ``value`` at a path such as ``business_outcome[0].target``; ``...`` deletes the key."""
    data = copy.deepcopy(data)
    keys = [int(k) if k.isdigit() else k for k in re.findall(r"[^.\[\]]+", path)]
    node = data
    for k in keys[:-1]:
        node = node[k]
    if value is ...:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


# --- a valid contract --------------------------------------------------------------------------------------


def test_valid_contract_round_trips_through_plain_data_and_yaml():
    yaml = pytest.importorskip("yaml")
    contract = AgentImpactContract.from_dict(_valid(), source=SOURCE)
    assert AgentImpactContract.from_dict(contract.to_dict()) == contract
    assert AgentImpactContract.from_dict(yaml.safe_load(yaml.safe_dump(contract.to_dict()))) == contract
    # the plain data is the input, normalised (numbers to float), with no field lost
    assert contract.to_dict()["business_outcome"][0] == {
        **_valid()["business_outcome"][0],
        "baseline": 14.0,
        "target": 9.0,
    }
    assert contract.next_level == "constrained execution"
    assert hash(contract) == hash(AgentImpactContract.from_dict(_valid()))


def test_direct_construction_equals_from_dict():
    d = _valid()
    groups = {
        g: [Metric(**m) for m in d[g]]
        for g in ("business_outcome", "customer_outcome", "adoption", "workflow_metrics")
    }
    contract = AgentImpactContract(
        workflow=d["workflow"],
        **groups,
        autonomy_level=d["autonomy_level"],
        promotion_gate=PromotionGate(**d["promotion_gate"]),
        rollback=Rollback(**d["rollback"]),
        escalation=Escalation(**d["escalation"]),
        never_optimise=d["never_optimise"],
    )
    assert contract == AgentImpactContract.from_dict(d)
    assert isinstance(contract.business_outcome, tuple) and isinstance(contract.never_optimise, tuple)


def test_to_frame_is_the_metrics_table():
    d = _valid()
    frame = AgentImpactContract.from_dict(d).to_frame()
    expected = [
        m for g in ("business_outcome", "customer_outcome", "adoption", "workflow_metrics") for m in d[g]
    ]
    assert list(frame.columns) == [
        "group", "metric", "baseline", "target", "unit", "direction", "window", "owner", "data_source",
        "change", "change_pct",
    ]  # fmt: skip
    assert frame["metric"].tolist() == [m["name"] for m in expected]
    assert frame["owner"].tolist() == [m["owner"] for m in expected]
    np.testing.assert_allclose(frame["baseline"], [m["baseline"] for m in expected])
    np.testing.assert_allclose(frame["target"], [m["target"] for m in expected])
    assert frame["group"].iloc[0] == "business outcome" and frame["group"].iloc[-1] == "workflow metrics"
    # change_pct by hand: 14 -> 9 is -35.7%; a zero baseline has no percentage
    assert frame["change_pct"].iloc[0] == pytest.approx(-500 / 14)
    assert math.isnan(frame.loc[frame["metric"] == "drafts accepted unedited", "change_pct"].item())


# --- rendering ----------------------------------------------------------------------------------------------


def _table_rows(markdown: str) -> list[list[str]]:
    """Cells of the Markdown metrics table, split on unescaped pipes."""
    rows = [
        line for line in markdown.splitlines() if line.startswith("| ") and not line.startswith("| group")
    ]
    return [[c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows]


def test_markdown_has_every_metric_with_its_baseline_target_window_and_owner():
    d = _valid()
    contract = AgentImpactContract.from_dict(d)
    md = contract.to_markdown()
    rows = _table_rows(md)
    assert len(rows) == 7
    for row, m in zip(rows, contract.metrics, strict=True):
        _group, metric, baseline, target, window, owner = row
        assert metric == f"{m.name} ({m.unit})"
        assert float(baseline.replace(",", "")) == m.baseline
        assert target[0] == ("≥" if m.direction == "increase" else "≤")
        assert float(target[2:].replace(",", "")) == m.target
        assert (window, owner) == (m.window, m.owner)
    assert "| business outcome | credits written off (USD per month) | 120,000 | ≤ 90,000 | monthly |" in md
    assert md.startswith("# Agent Impact Contract: Billing disputes under \\$50\n")
    for text in ("approval (level 2 of 4)", "Promotion gate (to constrained execution)", "Billing team lead",
                 "time-to-harm 1,440 minutes", "hold the dispute", "back to draft", "finance.disputes",
                 *d["never_optimise"]):  # fmt: skip
        assert text in md
    # the gate's evidence: rule-of-three size for a 1% bound at 95%, and the minimum volume
    assert "at least 299 decisions even with zero errors" in md and "at least 400 decisions" in md


def test_markdown_escapes_pipes_so_the_table_keeps_its_columns():
    d = _set_path(_valid(), "business_outcome[0].name", "cost | per dispute")
    rows = _table_rows(AgentImpactContract.from_dict(d).to_markdown())
    assert all(len(r) == 6 for r in rows)
    assert rows[0][1] == "cost | per dispute (USD)"


def test_html_escapes_every_user_string():
    evil = "<script>alert(1)</script>"
    d = _valid()
    paths = ("workflow", "business_outcome[0].name", "business_outcome[0].unit", "business_outcome[0].owner",
             "business_outcome[0].data_source", "promotion_gate.criteria", "rollback.trigger",
             "rollback.path", "escalation.owner", "escalation.when_queue_full", "never_optimise[0]")  # fmt: skip
    for path in paths:
        d = _set_path(d, path, f"{path} {evil}")
    contract = AgentImpactContract.from_dict(d)
    page = contract._repr_html_()
    assert "<script" not in page.lower()
    for path in paths:  # every field is shown, escaped
        assert f"{path} &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script" not in contract.to_markdown()


def test_unbounded_time_to_harm_renders_as_no_time_bound_harm():
    d = _set_path(_valid(), "escalation.time_to_harm_minutes", math.inf)
    assert "no time-bound harm" in AgentImpactContract.from_dict(d).to_markdown()


# --- validation: every path names the field and what was expected ------------------------------------------

BAD = [
    ("business_outcome[0].target", 20, r"business_outcome\[0\]\.target: expected a value below the baseline \(14\) for the 'decrease' metric 'cost per resolved dispute', got 20 \(set direction: increase if higher is better\)"),
    ("adoption[0].target", 0, r"adoption\[0\]\.target: expected a value above the baseline \(0\) for the 'increase' metric 'drafts accepted unedited', got 0"),
    ("business_outcome[1].baseline", "ten", r"business_outcome\[1\]\.baseline: expected a number, got 'ten' \(str\)"),
    ("business_outcome[1].baseline", True, r"business_outcome\[1\]\.baseline: expected a number, got True \(bool\)"),
    ("customer_outcome[0].target", math.nan, r"customer_outcome\[0\]\.target: expected a finite number, got nan"),
    ("customer_outcome[0].window", "soon", r"customer_outcome\[0\]\.window: expected a period such as '30 days', '12 weeks' or 'weekly', got 'soon'"),
    ("customer_outcome[0].window", "0 days", r"customer_outcome\[0\]\.window: expected a period"),
    ("workflow_metrics[1].owner", "  ", r"workflow_metrics\[1\]\.owner: expected non-empty text"),
    ("workflow_metrics[1].owner", None, r"workflow_metrics\[1\]\.owner: expected text, got None \(NoneType\)"),
    ("workflow_metrics[2].direction", "down", r"workflow_metrics\[2\]\.direction: expected one of 'increase', 'decrease', got 'down'"),
    ("workflow_metrics[0].name", "x" * 81, r"workflow_metrics\[0\]\.name: expected at most 80 characters \(keep it short\), got 81"),
    ("workflow_metrics[0].ownr", "Ops", r"workflow_metrics\[0\]\.ownr: unknown field; expected one of name, baseline, target, unit, window, owner, direction, data_source"),
    ("workflow_metrics[0].owner", ..., r"workflow_metrics\[0\]\.owner: required field missing: expected text"),
    ("escalation.owner", ..., r"escalation\.owner: required field missing: expected text"),
    ("rollback", ..., r"rollback: required field missing: expected a mapping"),
    ("adoption", ..., r"adoption: required field missing: expected a list of metrics"),
    ("never_optimise", ..., r"never_optimise: required field missing: expected a list of text"),
    ("owner", "Ops", r"owner: unknown field; expected one of workflow, business_outcome"),
    ("rollback.path", 3, r"rollback\.path: expected text, got 3 \(int\)"),
    ("rollback", "roll back", r"rollback: expected a mapping with fields trigger, path, got str"),
    ("adoption", {"name": "x"}, r"adoption: expected a list of metrics, got dict"),
    ("adoption", [], r"adoption: expected 1 to 2 metrics, got 0"),
    ("adoption[0]", "drafts", r"adoption\[0\]: expected a mapping with fields name, baseline"),
    ("autonomy_level", "full", r"autonomy_level: expected one of 'draft', 'approval', 'constrained execution', 'expanded scope', got 'full'"),
    ("promotion_gate.error_budget", 1.5, r"promotion_gate\.error_budget: expected a number strictly between 0 and 1, got 1\.5"),
    ("promotion_gate.min_decisions", 2.5, r"promotion_gate\.min_decisions: expected a whole number of decisions >= 1, got 2\.5"),
    ("promotion_gate.level", 1, r"promotion_gate\.level: expected a number strictly between 0 and 1, got 1\.0"),
    ("escalation.latency_target_minutes", 1440, r"escalation\.latency_target_minutes: expected a latency below the time-to-harm \(1,440 minutes\), got 1,440: an escalation that arrives after the harm is not an escalation"),
    ("escalation.capacity_per_hour", 0, r"escalation\.capacity_per_hour: expected a number above 0, got 0"),
    ("escalation.time_to_harm_minutes", -math.inf, r"escalation\.time_to_harm_minutes: expected a finite number, got -inf"),
    ("never_optimise", [], r"never_optimise: expected 1 to 5 items, got 0"),
    ("never_optimise", "speed", r"never_optimise: expected a list of text, got str"),
    ("never_optimise[1]", "", r"never_optimise\[1\]: expected non-empty text"),
    ("workflow_metrics[2].name", "Escalation Rate", r"workflow_metrics\[2\]\.name: duplicate metric name 'Escalation Rate' \(already workflow_metrics\[0\]\)"),
    ("rollback.trigger", "y" * 241, r"rollback\.trigger: expected at most 240 characters \(keep it short\), got 241"),
]  # fmt: skip


@pytest.mark.parametrize(("path", "value", "message"), BAD, ids=[f"{p}={v!r}"[:40] for p, v, _ in BAD])
def test_each_bad_field_is_named_with_what_was_expected(path, value, message):
    with pytest.raises(ContractError, match="^" + re.escape(SOURCE) + ": " + message) as info:
        AgentImpactContract.from_dict(_set_path(_valid(), path, value), source=SOURCE)
    assert isinstance(info.value, InputError)  # callers catching the package's error keep working
    assert (info.value.source, info.value.path) == (SOURCE, path)
    again = pickle.loads(pickle.dumps(info.value))  # survives a process boundary (parallel test runs)
    assert (str(again), again.path) == (str(info.value), path)


def test_group_sizes_and_non_mapping_input_are_named():
    d = _valid()
    d["business_outcome"].append(_metric("third outcome", 5, 4))
    with pytest.raises(ContractError, match=r"^x\.yaml: business_outcome: expected 1 to 2 metrics, got 3$"):
        AgentImpactContract.from_dict(d, source="x.yaml")
    with pytest.raises(
        ContractError, match=r"^x\.yaml: expected a mapping with fields workflow, business_outcome"
    ):
        AgentImpactContract.from_dict([1, 2], source="x.yaml")  # type: ignore[arg-type]
    with pytest.raises(
        ContractError,
        match=r"^business_outcome\[0\]: expected a Metric, got dict \(use from_dict for plain data\)",
    ):
        AgentImpactContract(
            **{**AgentImpactContract.from_dict(_valid()).__dict__, "business_outcome": [{"name": "x"}]}
        )


def test_direct_objects_name_the_field_without_a_path():
    with pytest.raises(ContractError, match=r"^target: expected a value above the baseline \(0\.2\)"):
        Metric("automation rate", 0.2, 0.1, "share", "weekly", "Ops")
    with pytest.raises(ContractError, match=r"^window: expected a period"):
        Metric("automation rate", 0.2, 0.3, "share", "whenever", "Ops")
    assert Metric("x", 1, 2, "u", "Rolling 28 Days", "o").window == "Rolling 28 Days"
    assert (
        Metric("x", 1, 2, "u", "fortnightly", "o", data_source="  dash  board ").data_source == "dash board"
    )


# --- page budget ---------------------------------------------------------------------------------------------


def _metrics(n: int, long: bool = False) -> list[dict]:
    pad = lambda s: (s + " " + "x" * 80)[:80] if long else s  # noqa: E731
    return [
        _metric(pad(f"workflow metric {i}"), 10, 5, unit=pad("per 100 decisions"), owner=pad(f"owner {i}"))
        for i in range(n)
    ]


def test_too_many_metrics_is_refused_with_the_page_rule():
    d = _valid()
    d["business_outcome"], d["customer_outcome"], d["adoption"] = _metrics(2), _metrics(2), _metrics(2)
    for group in ("business_outcome", "customer_outcome", "adoption"):
        for i, m in enumerate(d[group]):
            m["name"] = f"{group} {i}"
    d["workflow_metrics"] = _metrics(5)
    with pytest.raises(
        ContractError,
        match=r"^x\.yaml: too many metrics for one page: 11, at most 10\. If it does not fit on a page, the work is not ready for an agent",
    ):
        AgentImpactContract.from_dict(d, source="x.yaml")
    d["workflow_metrics"] = _metrics(4)
    assert len(AgentImpactContract.from_dict(d).metrics) == 10


def test_a_page_over_the_character_budget_is_refused():
    d = _valid()
    d["workflow_metrics"] = _metrics(5, long=True)
    text = "z" * 240
    d["never_optimise"] = [f"{i} {text}"[:240] for i in range(5)]
    d["rollback"] = {"trigger": text, "path": text}
    d["promotion_gate"]["criteria"] = text
    with pytest.raises(
        ContractError,
        match=r"^x\.yaml: does not fit on one page: [\d,]+ characters, at most 4,000\. If it does not fit",
    ):
        AgentImpactContract.from_dict(d, source="x.yaml")
    # the same contract with short free text fits: the budget is on the rendered page, not the metric count
    d["never_optimise"], d["rollback"] = ["speed"], {"trigger": "t", "path": "p"}
    assert len(AgentImpactContract.from_dict(d).to_markdown()) <= MAX_PAGE_CHARS


# --- the promotion gate against the textbook Clopper-Pearson bound -------------------------------------------


def _cp_upper(k: int, n: int, level: float) -> float:
    """Clopper-Pearson one-sided upper bound from the beta quantile (Clopper & Pearson 1934)."""
    return 1.0 if k == n else float(stats.beta.ppf(level, k + 1, n - k))


@settings(max_examples=60, deadline=None)
@given(st.floats(0.002, 0.3), st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_min_error_free_decisions_is_the_first_n_that_passes_by_brute_force(rate, level):
    gate = PromotionGate("bound", error_budget=rate, level=level)
    n = gate.min_error_free_decisions
    assert _cp_upper(0, n, level) <= rate + 1e-12
    assert n == 1 or _cp_upper(0, n - 1, level) > rate - 1e-12


def test_rule_of_three():
    # with zero errors the 95% upper bound is about 3/n (Hanley & Lippman-Hand 1983): 1% needs ~300
    assert PromotionGate("g", error_budget=0.01).min_error_free_decisions == 299
    assert PromotionGate("g", error_budget=0.001).min_error_free_decisions == 2995


def test_gate_passes_matches_the_beta_quantile_and_the_volume_floor():
    gate = PromotionGate("g", error_budget=0.02, min_decisions=400, level=0.9)
    k = np.array([0, 0, 2, 3, 5, 10, 20])
    n = np.array([150, 400, 400, 500, 800, 1000, 1000])
    expected = [n_i >= 400 and _cp_upper(k_i, n_i, 0.9) <= 0.02 for k_i, n_i in zip(k, n, strict=True)]
    assert gate.evaluate(k, n)["passed"].tolist() == expected
    assert any(expected) and not all(expected)


def test_a_gate_in_words_only_cannot_be_evaluated():
    with pytest.raises(
        InputError, match=r"^promotion gate: has no numeric criteria \(error_budget, min_decisions\)"
    ):
        PromotionGate("words only").evaluate(0, 10)
    volume_only = PromotionGate("volume only", min_decisions=100).evaluate([0, 50], [99, 100])
    assert volume_only["passed"].tolist() == [False, True]  # any error rate passes: no budget was set


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e6, 1e6, allow_nan=False),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.sampled_from(["increase", "decrease"]),
)
def test_a_metric_is_accepted_exactly_when_its_target_is_an_improvement(baseline, target, direction):
    improves = target > baseline if direction == "increase" else target < baseline
    if improves:
        m = Metric("m", baseline, target, "u", "weekly", "o", direction=direction)
        assert (m.baseline, m.target) == (baseline, target)
    else:
        with pytest.raises(ContractError, match=r"^target: expected a value (above|below) the baseline"):
            Metric("m", baseline, target, "u", "weekly", "o", direction=direction)


def test_html_view_is_safe_from_maths_typesetting():
    from nogo.formatting import html_dollars

    d = _set_path(_valid(), "workflow", "Billing disputes between $50 and $100")
    page = AgentImpactContract.from_dict(d)._repr_html_()
    # MathJax 3 (JupyterLab 4) honours mathjax_ignore only; tex2jax_ignore is kept for MathJax 2
    assert page.startswith('<div class="mathjax_ignore tex2jax_ignore"><div class="nogo-contract">')
    assert "between $50 and $100" in page and html_dollars(page) == 0
