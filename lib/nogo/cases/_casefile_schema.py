"""The case file as one model: its sections, and the checks that compare them.

:class:`CaseFile` lists the sections in the order the checks need them: a field validator that
compares sections reads the ones declared above it (pydantic's ``info.data`` holds those that
validated), so every section is checked whatever is wrong elsewhere, and each validator reports every
problem it finds (:class:`~nogo.cases._casefile_parts.ProblemAt`). To add a section, declare it below the
sections it refers to, with a ``field_validator`` that returns it or calls ``raise_all(problems)``.

Examples
--------
>>> from pathlib import Path
>>> import nogo
>>> case = nogo.load_case(Path(nogo.__file__).parents[2] / "casebook" / "_template.yaml")
>>> case.defaults()["case_id"], case.variant(7) == case.variant(7)
('template', True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field, ValidationInfo, field_validator

from nogo.cases._casefile_checks import (
    dataset_problems,
    figure_problems,
    parameter_problems,
    source_problems,
)
from nogo.cases._casefile_drills import (
    Call,
    Drill,
    FailureMode,
    Signature,
    call_problems,
    failure_mode_problems,
)
from nogo.cases._casefile_parts import (
    CONCEPTS,
    MODELS,
    SLUG_PATTERN,
    Dataset,
    Incident,
    Parameter,
    PublishedFigure,
    Rubric,
    Source,
    Strict,
    Text,
    contract_problems,
    raise_all,
)
from nogo.cases.segments_schema import SegmentsSpec
from nogo.errors import InputError
from nogo.models.contract import AgentImpactContract

__all__ = ["CaseFile"]


class CaseFile(Strict):
    """One case, validated. See :mod:`nogo.cases.casefile` for the fields."""

    id: Annotated[str, Field(pattern=SLUG_PATTERN)]
    title: Text
    domain: Text
    status: Literal["draft", "ready"]
    models: Annotated[list[Literal[MODELS]], Field(min_length=1)]  # type: ignore[valid-type]
    concepts: list[Literal[CONCEPTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    incident: Incident
    sources: Annotated[list[Source], Field(min_length=1)]
    published_figures: list[PublishedFigure]
    parameters: dict[str, Parameter]
    drill: Drill
    rubric: Rubric
    questions: Annotated[list[Text], Field(min_length=1)]
    debrief: Text
    contract: dict[str, Any]
    data: list[Dataset] = Field(default_factory=list)
    failure_modes: Annotated[list[FailureMode], Field(min_length=3)] = Field(default_factory=list)
    signature: Signature | None = None
    calls: Annotated[list[Call], Field(min_length=1)] = Field(default_factory=list)
    segments: SegmentsSpec | None = None  # the generic generator's section (nogo.cases.segments_schema)

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, value: list[Source]) -> list[Source]:
        raise_all(source_problems(value))
        return value

    @field_validator("published_figures")
    @classmethod
    def _figures_cite_sources(
        cls, value: list[PublishedFigure], info: ValidationInfo
    ) -> list[PublishedFigure]:
        raise_all(figure_problems(value, info.data.get("sources")))
        return value

    @field_validator("parameters")
    @classmethod
    def _parameters_hold(cls, value: dict[str, Parameter], info: ValidationInfo) -> dict[str, Parameter]:
        raise_all(parameter_problems(value, info.data.get("id")))
        return value

    @field_validator("contract")
    @classmethod
    def _contract_holds(cls, value: dict[str, Any]) -> dict[str, Any]:
        raise_all(contract_problems(value))
        return value

    @field_validator("data")
    @classmethod
    def _datasets_generate(cls, value: list[Dataset], info: ValidationInfo) -> list[Dataset]:
        raise_all(dataset_problems(value, info.data.get("parameters")))
        return value

    @field_validator("failure_modes")
    @classmethod
    def _failure_modes_named_once(cls, value: list[FailureMode]) -> list[FailureMode]:
        raise_all(failure_mode_problems(value))
        return value

    @field_validator("calls")
    @classmethod
    def _calls_reachable(cls, value: list[Call], info: ValidationInfo) -> list[Call]:
        raise_all(call_problems(value, info.data.get("parameters"), info.data.get("drill")))
        return value

    @field_validator("segments")
    @classmethod
    def _segments_refer_to_parameters(
        cls, value: SegmentsSpec | None, info: ValidationInfo
    ) -> SegmentsSpec | None:
        raise_all(value.parameter_problems(info.data.get("parameters")) if value is not None else [])
        return value

    def agent_impact_contract(self, source: str = "") -> AgentImpactContract:
        """The case's Agent Impact Contract, validated."""
        return AgentImpactContract.from_dict(self.contract, source=source or f"casebook/{self.id}.yaml")

    def figure(self, name: str) -> PublishedFigure:
        """The published figure called ``name``."""
        for f in self.published_figures:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.published_figures)
        raise InputError(f"{self.id}: no published figure {name!r}; known: {known}")

    def compare_figures(self, reconstructed: dict[str, float]) -> pd.DataFrame:
        """Each published figure beside its reconstruction, and whether it is within tolerance.

        Returns a frame with ``figure``, ``kind`` (what the check is worth: ``reproduced``, ``input`` or
        ``consistency``, see :class:`PublishedFigure`), ``published``, ``reconstructed``, ``unit``,
        ``tolerance``, ``relative_error``, ``within_tolerance`` and ``source`` (a ``SEEN-2nd`` figure's
        source reads "(secondary source)"); a figure without a
        reconstruction, or a reconstruction naming no figure, is an error.
        """
        names = {f.name for f in self.published_figures}
        extra = sorted(set(reconstructed) - names)
        missing = sorted(names - set(reconstructed))
        if extra or missing:
            raise InputError(
                f"{self.id}: reconstructed figures must match the case file's published figures; "
                f"missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'}"
            )
        rows = []
        for f in self.published_figures:
            value = float(reconstructed[f.name])
            rel = abs(value - f.value) / abs(f.value) if f.value else abs(value)
            rows.append(
                {
                    "figure": f.label,
                    "kind": f.kind,
                    "published": f.value,
                    "reconstructed": value,
                    "unit": f.unit,
                    "tolerance": f.tolerance,
                    "relative_error": rel,
                    "within_tolerance": bool(rel <= f.tolerance),
                    "source": f.cited_as,
                }
            )
        return pd.DataFrame(rows)

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default."""
        return {k: p.default for k, p in self.parameters.items()}

    def variant(self, seed: int) -> dict[str, Any]:
        """A coaching variant: each varying parameter drawn from its range with ``seed``.

        The same seed always gives the same variant; ``seed`` itself becomes the notebook's seed.
        """
        rng = np.random.default_rng([int(seed), 0x6E6F676F])
        values = self.defaults()
        for name, p in self.parameters.items():
            if p.varies and name not in ("case_id", "seed"):
                values[name] = p.draw(rng)
        values["seed"] = int(seed)
        return values

    def check_parameters(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check names (unknown is an error) and types of parameter overrides; return the full set."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            raise InputError(
                f"{self.id}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(self.parameters)}"
            )
        out = self.defaults()
        for name, value in values.items():
            default = self.parameters[name].default
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
                if ok and isinstance(default, int) and float(value) != int(value):
                    ok = False
                if ok and name == "seed" and not 0 <= value <= 2**32 - 1:
                    raise InputError(
                        f"{self.id}: parameter seed: expected a whole number from 0 to 2**32 - 1, "
                        f"got {value!r}"
                    )
            else:
                ok = isinstance(value, str)
            if not ok:
                raise InputError(
                    f"{self.id}: parameter {name}: expected a {type(default).__name__} like "
                    f"{default!r}, got {value!r}"
                )
            out[name] = int(value) if isinstance(default, int) and not isinstance(default, bool) else value
        return out


    def call_for(self, values: Mapping[str, Any]) -> Call:
        """The right launch call for a parameter set: the first of ``calls`` whose conditions hold.

        ``values`` are checked (:meth:`check_parameters`) and the defaults fill in the rest. Without
        ``calls``, the one call the case file defends: ``drill.launch_call`` with ``drill.key_guardrails``,
        ``debrief`` and ``contract``; a call without its own contract gets the case's, so a caller can
        always use the answer's ``debrief``, ``key_guardrails`` and ``contract``.

        Examples
        --------
        >>> from pathlib import Path
        >>> import nogo
        >>> case = nogo.load_case(Path(nogo.__file__).parents[2] / "casebook" / "_template.yaml")
        >>> plain = case.model_copy(update={"calls": []})
        >>> plain.call_for({}).call == case.drill.launch_call, plain.call_for({}).debrief == case.debrief
        (True, True)
        >>> costly = nogo.Condition(parameter="review_usd", at_least=10)
        >>> calls = [
        ...     nogo.Call(call="no-go", when=[costly], debrief="Review cannot pay for itself."),
        ...     nogo.Call(call=case.drill.launch_call, key_guardrails=case.drill.key_guardrails,
        ...               debrief="The cap pays for review."),
        ... ]
        >>> case = case.model_copy(update={"calls": calls})
        >>> case.call_for({"review_usd": 12.0}).call
        'no-go'
        >>> case.call_for({}).call == case.drill.launch_call  # the default, 6.0, is below 10
        True
        >>> case.call_for({}).contract == case.contract  # the case's contract, filled in
        True
        """
        params = self.check_parameters(dict(values))
        if not self.calls:
            call = Call(
                call=self.drill.launch_call,
                key_guardrails=list(self.drill.key_guardrails),
                debrief=self.debrief,
                contract=self.contract,
            )
        else:
            call = next(c for c in self.calls if c.applies(params))  # the last one always applies
        return call if call.contract is not None else call.model_copy(update={"contract": self.contract})

    @property
    def ranked_failure_modes(self) -> list[FailureMode]:
        """The failure modes, worst first: by likelihood x severity, then severity, then the file's order.

        Examples
        --------
        >>> from pathlib import Path
        >>> import nogo
        >>> case = nogo.load_case(Path(nogo.__file__).parents[2] / "casebook" / "_template.yaml")
        >>> modes = [nogo.FailureMode(name=n, likelihood=lk, severity=s, why="...")
        ...          for n, lk, s in [("a", 2, 3), ("b", 3, 2), ("c", 1, 5), ("d", 5, 2)]]
        >>> [m.name for m in case.model_copy(update={"failure_modes": modes}).ranked_failure_modes]
        ['d', 'a', 'b', 'c']
        """
        order = sorted(
            range(len(self.failure_modes)),
            key=lambda k: (-self.failure_modes[k].expected_harm, -self.failure_modes[k].severity, k),
        )
        return [self.failure_modes[k] for k in order]
