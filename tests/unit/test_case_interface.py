"""The case interface: every case of the casebook through one door (nogo.open_case(...).build(...))."""

from __future__ import annotations

import numpy as np
import pytest

import nogo
from nogo.cases.case import case_module_name
from nogo.errors import InputError
from nogo.models.costs import ACTIONS

PROJECT = nogo.Project.find()
CASE_FILES = PROJECT.cases()


@pytest.fixture(scope="module", params=CASE_FILES, ids=lambda c: c.id)
def built(request):
    case = nogo.open_case(request.param, PROJECT.data)
    return case, case.build()


def test_every_case_builds_a_consistent_log(built):
    _, data = built
    n = len(data.log)
    assert n > 0 and {"score", "outcome", "value_usd"} <= set(data.log.columns)
    assert data.p.shape == (n,) and np.all((data.p >= 0) & (data.p <= 1))
    assert len(data.costs) == n and data.expected_costs().shape == (n, len(ACTIONS))
    assert data.days > 0
    assert isinstance(data.desk, nogo.PolicyAssumptions)
    for rule in data.hard_rules:
        assert rule.applies.shape == (n,) and rule.rule.strip()


def test_the_best_action_never_breaks_a_hard_rule(built):
    _, data = built
    best = data.best_actions()
    expected = data.expected_costs()
    for rule in data.hard_rules:
        assert not np.any(rule.applies & (best == rule.forbids)), rule.rule
    # where no rule binds, the best action is the plain argmin of expected cost (brute force, row by row)
    free = data.allowed().all(axis=1)
    rows = np.flatnonzero(free)[:200]
    for i in rows:
        assert best[i] == ACTIONS[int(np.argmin(expected[i]))]


def test_a_variant_changes_what_is_built():
    case_file = next(c for c in CASE_FILES if any(p.low is not None for p in c.parameters.values()))
    case = nogo.open_case(case_file, PROJECT.data)
    default, variant = case.build(), case.build(case_file.variant(7))
    assert variant.parameters != default.parameters
    assert len(variant.log) != len(default.log) or not np.array_equal(variant.p, default.p)


def test_same_parameters_same_data():
    for case_file in CASE_FILES:
        case = nogo.open_case(case_file, PROJECT.data)
        a, b = case.build(case_file.variant(3)), case.build(case_file.variant(3))
        assert a.log.equals(b.log) and np.array_equal(a.p, b.p), case_file.id


def test_a_case_is_found_from_its_id_not_a_registry():
    for case_file in CASE_FILES:
        case = nogo.open_case(case_file)
        module = case_module_name(case_file.id)
        assert type(case).__module__ == module or getattr(case_file, "segments", None) is not None


def test_a_case_with_no_mechanics_and_no_segments_is_refused(tmp_path):
    source = (PROJECT.casebook / "pricing-feedback-loop.yaml").read_text()
    path = tmp_path / "no-mechanics.yaml"
    path.write_text(source.replace("pricing-feedback-loop", "no-mechanics"))
    with pytest.raises(InputError, match=r"no-mechanics: no decision log to build: add a `segments` section"):
        nogo.open_case(nogo.load_case(path))
    with pytest.raises(InputError, match=r"case: expected a nogo\.CaseFile"):
        nogo.open_case("pricing-feedback-loop")


def test_an_unknown_parameter_is_ignored_and_a_bad_value_named():
    case_file = next(c for c in CASE_FILES if "seed" in c.parameters)
    case = nogo.open_case(case_file, PROJECT.data)
    assert case.parameters({"not_a_parameter": 1}) == case_file.defaults()
    with pytest.raises(InputError, match="seed"):
        case.parameters({"seed": -1})


def test_hard_rule_masks():
    rule = nogo.HardRule("a person approves", "act", [True, False, True])
    assert rule.allowed().tolist() == [[False, True, True], [True, True, True], [False, True, True]]
    with pytest.raises(InputError, match="forbids must be 'act' or 'decline'"):
        nogo.HardRule("x", "escalate", [True])


def test_infrastructure_modules_are_reserved_ids(tmp_path):
    """A case id that names a module of nogo.cases (here `data`) is refused, not run as that module."""
    import pkgutil

    import nogo.cases
    from nogo.cases.case import _INFRASTRUCTURE

    modules = {m.name for m in pkgutil.iter_modules(nogo.cases.__path__) if not m.name.startswith("_")}
    cases = {c.id.replace("-", "_") for c in CASE_FILES}
    assert modules - cases == _INFRASTRUCTURE  # every non-case module is reserved, and nothing else
    source = (PROJECT.casebook / "pricing-feedback-loop.yaml").read_text()
    path = tmp_path / "data.yaml"
    path.write_text(source.replace("pricing-feedback-loop", "data"))
    with pytest.raises(InputError, match=r"data: this case id names a module of nogo.cases"):
        nogo.open_case(nogo.load_case(path))
