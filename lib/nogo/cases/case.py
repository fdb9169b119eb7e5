"""The case interface: one door through which everything built from a case passes.

A case is a case file (``casebook/<id>.yaml``) plus, for a case with real mechanics, a module in this
package named by its id (``loan-steering`` is :mod:`nogo.cases.loan_steering`) that defines a subclass of
:class:`Case` called ``CASE``. A case file with a ``segments`` section and no module of its own runs on
the generic segment generator (:mod:`nogo.cases.segments`). :func:`open_case` finds either from the
case's id: there is no registry of ids.

For any parameter set (the defaults, or a coaching variant from ``case_file.variant(seed)``),
:meth:`Case.build` gives a :class:`CaseData`: the decision log, the calibrated probability that acting is
right, the per-decision costs and the :class:`~nogo.models.costs.CostModel` behind them, the days the log
covers, the review desk's assumptions, and the case's hard rules (what the agent may never do alone).
The case's notebook, the coaching session, the drills, the tests and the catalogue all call it, so nothing
about a case is written twice.

Examples
--------
>>> import nogo
>>> case = nogo.open_case(nogo.Project.find().case("pricing-feedback-loop"))
>>> data = case.build()
>>> len(data.log) == len(data.p) == len(data.costs), data.days
(True, 30.0)
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from nogo.cases.casefile import CaseFile
from nogo.cases.data import load_dataset
from nogo.cases.signature import SignatureTask
from nogo.errors import InputError
from nogo.models.costs import ACTIONS, CostModel, DecisionCosts
from nogo.models.policy_model import PolicyAssumptions, PolicyFairness

__all__ = ["Case", "CaseData", "HardRule", "case_module_name", "open_case"]


@dataclass(frozen=True)
class HardRule:
    """Something the agent may never do alone, whatever its confidence.

    Parameters
    ----------
    rule
        The rule as the case states it, e.g. ``"never reject an applicant without a person"``.
    forbids
        The autonomous action it forbids: ``"act"`` (the agent may not act alone: a person approves) or
        ``"decline"`` (the agent may not decline alone: a person decides).
    applies
        One bool per decision of the log: where the rule binds.

    Examples
    --------
    >>> r = HardRule("a person approves every term-extending offer", "act", np.array([True, False]))
    >>> r.allowed()
    array([[False,  True,  True],
           [ True,  True,  True]])
    """

    rule: str
    forbids: str
    applies: np.ndarray

    def __post_init__(self) -> None:
        if self.forbids not in ("act", "decline"):
            raise InputError(
                f"hard rule {self.rule!r}: forbids must be 'act' or 'decline', got {self.forbids!r}"
            )
        object.__setattr__(self, "applies", np.asarray(self.applies, dtype=bool).reshape(-1))

    def allowed(self) -> np.ndarray:
        """``(n, 3)`` bools in :data:`~nogo.models.costs.ACTIONS` order: may the action be scored optimal?"""
        out = np.ones((self.applies.size, len(ACTIONS)), dtype=bool)
        out[:, ACTIONS.index(self.forbids)] = ~self.applies
        return out


@dataclass(frozen=True)
class CaseData:
    """Everything built from one case at one parameter set (see :meth:`Case.build`).

    Attributes
    ----------
    log
        The decision log: one row per decision, at least ``score``, ``outcome`` (1 where acting is right)
        and ``value_usd``; cases add context columns (segment, group, ...).
    p
        The calibrated probability that acting is right, one per row.
    costs
        Per-decision costs of each outcome (:class:`~nogo.models.costs.DecisionCosts`).
    cost_model
        The cost components behind ``costs`` (None where a case prices decisions directly).
    days
        Days of traffic the log covers (turns counts into rates per hour for the review desk).
    desk
        The review desk's assumptions: handling minutes, hours a day, SLA, the favourable outcome.
    hard_rules
        What the agent may never do alone, each with the rows it binds.
    parameters
        The full parameter set the data was built for.
    fairness
        What the policy drill's fairness constraint measures (:meth:`Case.fairness`), or None.
    """

    log: pd.DataFrame
    p: np.ndarray
    costs: DecisionCosts
    cost_model: CostModel | None
    days: float
    desk: PolicyAssumptions
    hard_rules: tuple[HardRule, ...] = ()
    parameters: Mapping[str, Any] = field(default_factory=dict)
    fairness: PolicyFairness | None = None

    def allowed(self) -> np.ndarray:
        """``(n, 3)`` bools, ACTIONS order: the actions no hard rule forbids on each decision."""
        out = np.ones((len(self.log), len(ACTIONS)), dtype=bool)
        for rule in self.hard_rules:
            out &= rule.allowed()
        return out

    def expected_costs(self) -> np.ndarray:
        """``(n, 3)`` expected cost in USD of each action (ACTIONS order) at the calibrated ``p``."""
        return np.asarray(self.costs.expected(self.p), dtype=float)

    def best_actions(self) -> np.ndarray:
        """The cheapest action each decision may take under the hard rules (by expected cost at ``p``)."""
        expected = np.where(self.allowed(), self.expected_costs(), np.inf)
        return np.asarray(ACTIONS, dtype=object)[np.argmin(expected, axis=1)]


class Case:
    """A case: its case file, and how its decision log, probability and costs are built.

    Subclasses implement :meth:`decision_log` and :meth:`decision_costs`, and override the other hooks
    where the defaults do not fit. Hooks receive ``params``: the full, checked parameter set.

    Parameters
    ----------
    file
        The validated case file.
    data_root
        The project's ``data/`` folder (snapshots of the case's datasets); default: found from the working
        folder.
    """

    #: the review desk's assumptions the case's notebook states (illustrative); see :meth:`desk`
    DESK: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, file: CaseFile, data_root: str | Path | None = None) -> None:
        if not isinstance(file, CaseFile):
            raise InputError(f"case: expected a nogo.CaseFile, got {type(file).__name__}")
        self.file = file
        self._data_root = None if data_root is None else Path(data_root)

    # ----------------------------------------------------------------------------------------- identity
    @property
    def id(self) -> str:
        """The case's id (a kebab-case slug)."""
        return self.file.id

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"

    @property
    def data_root(self) -> Path:
        """The project's ``data/`` folder."""
        if self._data_root is None:
            from nogo.cases.project import Project

            self._data_root = Project.find().data
        return self._data_root

    def parameters(self, values: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The full parameter set: the case file's defaults, overridden by ``values`` (checked).

        Keys the case file does not declare are ignored, so a notebook may pass its whole namespace.
        """
        given = {k: v for k, v in (values or {}).items() if k in self.file.parameters}
        return self.file.check_parameters(given)

    def dataset(self, name: str, params: Mapping[str, Any]) -> pd.DataFrame:
        """Dataset ``name`` of the case file: the snapshot at the defaults, else generated."""
        return load_dataset(self.file, name, dict(params), root=self.data_root)

    # ---------------------------------------------------------------------------------------- the hooks
    def decision_log(self, params: Mapping[str, Any]) -> pd.DataFrame:
        """The decision log: one row per decision, with ``score``, ``outcome`` and ``value_usd``."""
        raise NotImplementedError(f"{type(self).__name__} must implement decision_log")

    def probability(self, log: pd.DataFrame, params: Mapping[str, Any]) -> np.ndarray:
        """The calibrated probability that acting is right (default: the log's ``score``, calibrated)."""
        return log["score"].to_numpy(dtype=float)

    def cost_model(self, log: pd.DataFrame, params: Mapping[str, Any]) -> CostModel | None:
        """The cost components of a decision (None when :meth:`decision_costs` prices directly)."""
        return None

    def decision_costs(self, log: pd.DataFrame, params: Mapping[str, Any]) -> DecisionCosts:
        """Per-decision costs (default: :meth:`cost_model` priced at the log's ``value_usd``)."""
        model = self.cost_model(log, params)
        if model is None:
            raise NotImplementedError(f"{type(self).__name__} must implement cost_model or decision_costs")
        return model.decision_costs(log["value_usd"])

    def days(self, log: pd.DataFrame, params: Mapping[str, Any]) -> float:
        """Days of traffic the log covers (default: the ``days`` parameter, else 30)."""
        return float(params.get("days", 30.0))

    def desk(self, params: Mapping[str, Any]) -> PolicyAssumptions:
        """The review desk: :attr:`DESK`, then any case parameter named like one of its fields.

        A parameter ``handle_minutes`` (or ``sla_minutes``, ``hours_per_day``...) in the case file
        overrides the class's :attr:`DESK` value, so a variant can change the desk.
        """
        return PolicyAssumptions.from_case(self.file, **{**self.DESK, **_desk_parameters(params)})

    def hard_rules(self, log: pd.DataFrame, params: Mapping[str, Any]) -> list[HardRule]:
        """What the agent may never do alone (default: nothing)."""
        return []

    #: columns of the decision log a decision-stream card shows as context, where the log has them
    CARD_COLUMNS: ClassVar[tuple[str, ...]] = ("segment", "customer", "intent", "group", "action_type")
    #: the words a card shows for the log's identifiers (an action type's id to "a rate cut"); an id not
    #: here reads with its underscores as spaces (:func:`nogo.formatting.readable_label`). Display only:
    #: the log, the drill's items and what is scored keep the ids.
    CARD_LABELS: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def card(self, data: CaseData) -> pd.DataFrame:
        """The context a decision-stream card shows for each decision (what a PM sees in production).

        Default: the log's columns named in :attr:`CARD_COLUMNS`, in that order. Never the calibrated
        probability or the outcome. Values are shown in :attr:`CARD_LABELS`' words.
        """
        return data.log[[c for c in self.CARD_COLUMNS if c in data.log.columns]]

    def fairness(self, log: pd.DataFrame, params: Mapping[str, Any]) -> PolicyFairness | None:
        """What the policy drill's fairness constraint measures: the outcome the case is about.

        Default None: a log with a ``group`` column gets the four-fifths rule on the desk's favourable
        outcome (:meth:`PolicyFairness.from_assumptions`).
        """
        return None

    def signature_task(self, data: CaseData) -> SignatureTask | None:
        """The case's signature drill on ``data`` (its own lever, scored by its own simulation), or None.

        See :mod:`nogo.cases.signature`; the practice layer's ``SignatureDrill`` is its widget.
        """
        return None

    # ------------------------------------------------------------------------------------- the one door
    def build(self, values: Mapping[str, Any] | None = None) -> CaseData:
        """Everything built from the case at parameter set ``values`` (the defaults when None).

        Raises
        ------
        InputError
            A parameter the case file does not allow, or a hook that returns the wrong shape (named).
        """
        params = self.parameters(values)
        log = self.decision_log(params).reset_index(drop=True)
        for column in ("score", "outcome", "value_usd"):
            if column not in log.columns:
                raise InputError(f"{self.id}: the decision log has no {column!r} column")
        p = np.asarray(self.probability(log, params), dtype=float).reshape(-1)
        model = self.cost_model(log, params)
        costs = self.decision_costs(log, params)
        rules = tuple(self.hard_rules(log, params))
        for name, size in [("p", p.size), *((f"hard rule {r.rule!r}", r.applies.size) for r in rules)]:
            if size != len(log):
                raise InputError(f"{self.id}: {name} has {size} values for a log of {len(log)} decisions")
        return CaseData(
            log=log,
            p=p,
            costs=costs,
            cost_model=model,
            days=self.days(log, params),
            desk=self.desk(params),
            hard_rules=rules,
            parameters=params,
            fairness=self.fairness(log, params),
        )


_INFRASTRUCTURE = frozenset(
    {"case", "casefile", "data", "project", "reading", "segment_policy", "segments", "segments_schema",
     "signature"}
)
"""Modules of this package that are not cases: a case id never names one of them."""


def _desk_parameters(params: Mapping[str, Any]) -> dict[str, Any]:
    from dataclasses import fields

    names = {f.name for f in fields(PolicyAssumptions)}
    return {k: v for k, v in params.items() if k in names}


def case_module_name(case_id: str) -> str:
    """The module of a case with its own mechanics: the id with underscores, in this package.

    Examples
    --------
    >>> case_module_name("loan-steering")
    'nogo.cases.loan_steering'
    """
    return f"{__package__}.{case_id.replace('-', '_')}"


def open_case(file: CaseFile, data_root: str | Path | None = None) -> Case:
    """The case behind a case file: its own module's ``CASE`` class, else the generic segment case.

    Raises
    ------
    InputError
        The case has neither a module of its own nor a ``segments`` section in its case file.
    """
    if not isinstance(file, CaseFile):
        raise InputError(f"case: expected a nogo.CaseFile, got {type(file).__name__}")
    name = case_module_name(file.id)
    if file.id.replace("-", "_") in _INFRASTRUCTURE:
        raise InputError(
            f"{file.id}: this case id names a module of nogo.cases ({name}); choose another id "
            f"(reserved: {', '.join(sorted(n.replace('_', '-') for n in _INFRASTRUCTURE))})"
        )
    if importlib.util.find_spec(name) is not None:
        cls = getattr(importlib.import_module(name), "CASE", None)
        if not (isinstance(cls, type) and issubclass(cls, Case)):
            raise InputError(f"{file.id}: module {name} defines no CASE (a subclass of nogo.Case)")
        return cls(file, data_root)
    if getattr(file, "segments", None) is not None:
        from nogo.cases.segments import SegmentCase

        return SegmentCase(file, data_root)
    raise InputError(
        f"{file.id}: no decision log to build: add a `segments` section to casebook/{file.id}.yaml "
        f"(the generic generator), or a module {name} with a CASE class"
    )
