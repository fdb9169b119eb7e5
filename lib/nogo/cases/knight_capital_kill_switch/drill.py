"""The case's signature drill: which kill switches, at which limits, and who gets the alert (SYNTHETIC).

The learner owns the order router before a deployment. Three levers:

* **a cumulative-loss cap** that halts order entry automatically (:data:`LOSS_CAPS`: none, $1M, $5M,
  $20M, $100M). "None" was Knight's position on 1 August 2012: the SEC found its capital-threshold
  controls could not stop orders automatically (SEC press release, K1). It breaks the case's hard rule,
  so it is never the optimum;
* **an order-to-fill cap** (:data:`RATIO_CAPS`: none, 10, 100, 1,000 child orders sent per parent order
  being filled) that halts the router when the signal crosses it;
* **where the alert goes** (:data:`ROUTES`): an automated email nobody is bound to read (Knight's 97
  emails, SEEN-2nd and still to confirm against the SEC order), or a page to an on-call person with the
  authority to halt, who halts within 15 or 5 minutes.

Each setting is scored on the case's own simulation: the loss it lets through on **the bad day** (the
planted stream of :func:`~nogo.cases.knight_capital_kill_switch.timeline.errant_stream`: the first
automatic switch to fire stops it; else the paged person at their response time, less any lead the alert
had before the open; else, with email only, the manual stop at the end of the 45 minutes, as happened),
plus the cost of **false halts on normal days** (:func:`normal_days`: a seeded set of ordinary sessions
whose worst running loss and highest order-to-fill ratio are drawn from lognormal distributions, so a
tight cap sometimes halts good trading), plus what the on-call rota costs. A false halt loses the trading
until someone restarts it: the rest of the session when the alert is an email, the response time plus a
check when a person is paged. Every number of the normal days is an ASSUMPTION of the case (its
parameters and the constants below); the trade-off between them is the point: the best limits depend on
how wide normal days swing and what a lost session costs, so no constant answer wins.

Examples
--------
>>> import numpy as np
>>> loss, ratio = np.linspace(0, 460e6, 2701)[1:], np.arange(1, 2701) * 7.0
>>> task = KillSwitchTask(cum_loss_usd=loss, child_per_parent=ratio, step_seconds=1, n_normal_days=200,
...                       drawdown_median_usd=1.5e6, ratio_median=20, session_profit_usd=1e6, seed=1)
>>> [lever.name for lever in task.levers]
['loss_cap', 'order_fill_cap', 'alert_route']
>>> task.evaluate({"loss_cap": "none", "order_fill_cap": "none", "alert_route": EMAIL}).broken_rules != ()
True
>>> setting, best = task.optimum()
>>> best.metrics["loss on the bad day (USD)"] < 460e6
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_float_array, as_rng
from nogo._validate import check_count as _count
from nogo.cases.knight_capital_kill_switch.timeline import usd_label
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError

__all__ = [
    "EMAIL",
    "HALT_RULE",
    "LOSS_CAPS",
    "PAGE_5",
    "PAGE_15",
    "RATIO_CAPS",
    "ROUTES",
    "KillSwitchTask",
    "normal_days",
]

LOSS_CAPS: dict[str, float] = {"none": np.inf, **{usd_label(c): c for c in (1e6, 5e6, 20e6, 100e6)}}
"""The cumulative-loss cap's choices: label -> USD (none: no cap)."""
RATIO_CAPS: dict[str, float] = {"none": np.inf, **{f"{r:,}": float(r) for r in (10, 100, 1000)}}
"""The order-to-fill cap's choices: label -> child orders per parent order (none: no cap)."""
EMAIL = "automated email only"
PAGE_15 = "paged on-call, 15-minute response"
PAGE_5 = "paged on-call, 5-minute response"
ROUTES: dict[str, float] = {EMAIL: np.inf, PAGE_15: 15.0, PAGE_5: 5.0}
"""Where the alert goes: label -> minutes until a person with authority halts (email: nobody does)."""
HALT_RULE = (
    "no release goes live without a cumulative-loss cap that halts order entry automatically, whatever else "
    "watches the router"
)
"""The hard rule a setting with no loss cap breaks (the automatic capital threshold the SEC found missing)."""


def normal_days(
    n_days: int,
    *,
    drawdown_median_usd: float,
    ratio_median: float,
    drawdown_spread: float = 4.0,
    ratio_spread: float = 5.0,
    session_minutes: float = 390.0,
    seed: int | np.random.Generator = 0,
) -> pd.DataFrame:
    """A seeded set of ordinary sessions (SYNTHETIC; every distribution is an assumption).

    Each day's worst running loss from the open is lognormal with median ``drawdown_median_usd`` and 90th
    percentile ``drawdown_spread`` times it; its highest order-to-fill ratio (child orders per parent
    order) likewise with ``ratio_median`` and ``ratio_spread``. Each peak comes at a uniform minute of
    the session, the signal rising linearly to it, so a limit ``c`` below a peak ``x`` reached at minute
    ``m`` trips at minute ``m c / x``.

    Returns
    -------
    pandas.DataFrame
        ``day``, ``max_drawdown_usd``, ``drawdown_peak_minute``, ``max_child_per_parent``,
        ``ratio_peak_minute``.

    Examples
    --------
    >>> d = normal_days(2000, drawdown_median_usd=1.5e6, ratio_median=20, seed=1)
    >>> round(float(d["max_drawdown_usd"].median()) / 1e6, 1)
    1.5
    >>> round(float(d["max_child_per_parent"].median()))
    20
    """
    n = _count("n_days", n_days)
    med = _scalar("drawdown_median_usd", drawdown_median_usd, low=0.0, low_open=True, expected="USD > 0")
    rmed = _scalar("ratio_median", ratio_median, low=0.0, low_open=True, expected="a ratio > 0")
    z90 = 1.2815515655446004
    sd_loss = (
        np.log(_scalar("drawdown_spread", drawdown_spread, low=1.0, low_open=True, expected="> 1")) / z90
    )
    sd_ratio = np.log(_scalar("ratio_spread", ratio_spread, low=1.0, low_open=True, expected="> 1")) / z90
    rng = as_rng(seed)
    z = rng.standard_normal((2, n))
    u = rng.random((2, n)) * float(session_minutes)
    return pd.DataFrame(
        {
            "day": np.arange(1, n + 1),
            "max_drawdown_usd": med * np.exp(sd_loss * z[0]),
            "drawdown_peak_minute": u[0],
            "max_child_per_parent": rmed * np.exp(sd_ratio * z[1]),
            "ratio_peak_minute": u[1],
        }
    )


class KillSwitchTask(SignatureTask):
    """The kill-switch set and its limits, on the bad day and on the normal days (module docstring).

    Parameters
    ----------
    cum_loss_usd, child_per_parent
        The bad day's stream, one value per row (the planted path's cumulative loss and order-to-fill
        signal), oldest first.
    step_seconds
        Seconds per row of the stream.
    n_normal_days
        Ordinary sessions simulated beside the one bad day (an assumption: how rare a bad release is).
    drawdown_median_usd, ratio_median
        Medians of a normal day's worst running loss and highest order-to-fill ratio (assumptions).
    session_profit_usd
        What a full session's trading earns; a halt loses it pro rata (an assumption).
    alert_lead_minutes
        How long before the open a paged person gets the alert (the emails came before the open; their
        times are unconfirmed, so 0 by default: an assumption).
    seed
        Seed of the normal days (every setting sees the same days: common random numbers).
    question
        The question the drill asks (the case file's ``signature.question``).
    """

    question: ClassVar[str] = "Which kill switches, at which limits, and who gets the alert?"
    SESSION_MINUTES: ClassVar[float] = 390.0
    """A trading session, 9:30 to 16:00."""
    RESTART_MINUTES: ClassVar[float] = 10.0
    """Minutes a paged person takes to check a halt and restart trading (illustrative)."""
    HALT_FIXED_USD: ClassVar[float] = 50_000.0
    """Fixed cost of one false halt: customers' orders rerouted, checks, explanations (illustrative)."""
    ONCALL_USD_PER_DAY: ClassVar[dict[str, float]] = {EMAIL: 0.0, PAGE_15: 400.0, PAGE_5: 1_200.0}
    """What the on-call rota costs a trading day, by route (illustrative)."""

    def __init__(
        self,
        *,
        cum_loss_usd: npt.ArrayLike,
        child_per_parent: npt.ArrayLike,
        step_seconds: int,
        n_normal_days: int,
        drawdown_median_usd: float,
        ratio_median: float,
        session_profit_usd: float,
        alert_lead_minutes: float = 0.0,
        seed: int = 0,
        question: str | None = None,
    ) -> None:
        self.cum_loss_usd = as_float_array("cum_loss_usd", cum_loss_usd)
        self.child_per_parent = as_float_array("child_per_parent", child_per_parent)
        if self.cum_loss_usd.size != self.child_per_parent.size or self.cum_loss_usd.size == 0:
            raise InputError(
                "cum_loss_usd, child_per_parent: expected two non-empty arrays of the same length"
            )
        if np.any(np.diff(self.cum_loss_usd) < 0) or np.any(np.diff(self.child_per_parent) < 0):
            raise InputError("cum_loss_usd, child_per_parent: expected running totals (never decreasing)")
        self.step_seconds = _count("step_seconds", step_seconds)
        self.session_profit_usd = _scalar(
            "session_profit_usd", session_profit_usd, low=0.0, expected="USD >= 0"
        )
        self.alert_lead_minutes = _scalar("alert_lead_minutes", alert_lead_minutes, low=0.0, expected=">= 0")
        self.days = normal_days(
            n_normal_days, drawdown_median_usd=drawdown_median_usd, ratio_median=ratio_median, seed=seed
        )
        self.n_days = len(self.days)
        if question:
            self.question = question  # type: ignore[misc]
        self.levers = (
            Lever("loss_cap", "cumulative-loss cap (halts order entry)", tuple(LOSS_CAPS),
                  help="halts the router when the day's running loss reaches the cap"),
            Lever("order_fill_cap", "order-to-fill cap (child orders per parent order)", tuple(RATIO_CAPS),
                  help="halts the router when it has sent this many child orders per parent order it fills"),
            Lever("alert_route", "who gets the alert", tuple(ROUTES),
                  help="an email nobody must read, or a page to a person with the authority to halt"),
        )  # fmt: skip
        self._cache: dict[tuple, SignatureOutcome] = {}

    # -- the bad day -------------------------------------------------------------------------------------
    def _first_row(self, running: np.ndarray, limit: float) -> float:
        i = int(np.searchsorted(running, limit, side="left"))
        return float(i) if i < running.size else np.inf

    def bad_day(self, choices: Mapping[str, Any]) -> dict[str, Any]:
        """The bad day under a setting: ``loss_usd``, ``halt_minute`` (None: never halted before the end,
        the manual stop) and ``stopped_by``."""
        setting = self.check(choices)
        rows = {
            "the loss cap": self._first_row(self.cum_loss_usd, LOSS_CAPS[setting["loss_cap"]]),
            "the order-to-fill cap": self._first_row(
                self.child_per_parent, RATIO_CAPS[setting["order_fill_cap"]]
            ),
        }  # fmt: skip
        person_s = (ROUTES[setting["alert_route"]] - self.alert_lead_minutes) * 60.0
        if person_s <= 0:
            return {"loss_usd": 0.0, "halt_minute": 0.0, "stopped_by": "the paged person, before the open"}
        if np.isfinite(person_s):
            rows["the paged person"] = float(np.ceil(person_s / self.step_seconds - 1e-9) - 1)
        by, row = min(rows.items(), key=lambda kv: kv[1])
        if not np.isfinite(row) or row >= self.cum_loss_usd.size:
            return {"loss_usd": float(self.cum_loss_usd[-1]), "halt_minute": None,
                    "stopped_by": "nothing automatic: the manual stop at the end"}  # fmt: skip
        i = int(row)
        return {"loss_usd": float(self.cum_loss_usd[i]), "halt_minute": (i + 1) * self.step_seconds / 60.0,
                "stopped_by": by}  # fmt: skip

    # -- the normal days ---------------------------------------------------------------------------------
    def false_halts(self, choices: Mapping[str, Any]) -> tuple[np.ndarray, np.ndarray]:
        """Per normal day: whether a switch halted good trading, and the trading minutes it lost."""
        setting = self.check(choices)
        d = self.days
        trips = []
        for col, minute, limit in (
            ("max_drawdown_usd", "drawdown_peak_minute", LOSS_CAPS[setting["loss_cap"]]),
            ("max_child_per_parent", "ratio_peak_minute", RATIO_CAPS[setting["order_fill_cap"]]),
        ):
            peak = d[col].to_numpy()
            trips.append(np.where(peak >= limit, d[minute].to_numpy() * limit / peak, np.inf))
        trip = np.minimum(*trips)
        halted = np.isfinite(trip)
        left = np.where(halted, self.SESSION_MINUTES - trip, 0.0)
        response = ROUTES[setting["alert_route"]]
        lost = np.minimum(left, response + self.RESTART_MINUTES) if np.isfinite(response) else left
        return halted, lost

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the bad day and the normal days: total cost in USD, and what happened."""
        setting = self.check(choices)
        key = tuple(setting.values())
        if key in self._cache:
            return self._cache[key]
        bad = self.bad_day(setting)
        halted, lost = self.false_halts(setting)
        per_minute = self.session_profit_usd / self.SESSION_MINUTES
        false_usd = float(halted.sum() * self.HALT_FIXED_USD + lost.sum() * per_minute)
        oncall_usd = self.ONCALL_USD_PER_DAY[setting["alert_route"]] * self.n_days
        metrics = {
            "loss on the bad day (USD)": bad["loss_usd"],
            "minute the bad day was halted": bad["halt_minute"],
            "what stopped it": bad["stopped_by"],
            "false halts on normal days": int(halted.sum()),
            "normal days simulated": self.n_days,
            "trading minutes lost to false halts": float(lost.sum()),
            "false halts (USD)": false_usd,
            "on-call rota (USD)": oncall_usd,
        }
        when = "was never halted before the manual stop" if bad["halt_minute"] is None else (
            f"was halted by {bad['stopped_by']} at minute {bad['halt_minute']:.1f}"
        )  # fmt: skip
        story = (
            f"The bad day {when}, with {usd_label(bad['loss_usd'])} lost; over {self.n_days:,} normal days "
            f"the switches halted good trading {int(halted.sum()):,} times."
        )
        broken: tuple[str, ...] = ()
        if not np.isfinite(LOSS_CAPS[setting["loss_cap"]]):
            broken = (HALT_RULE,)
            story += (
                " With no loss cap, nothing bounds the loss if the other switches miss: a hard rule broken."
            )
        out = SignatureOutcome(cost_usd=bad["loss_usd"] + false_usd + oncall_usd, metrics=metrics,
                               broken_rules=broken, story=story)  # fmt: skip
        self._cache[key] = out
        return out

    def table(self) -> pd.DataFrame:
        """Every setting, its cost and its parts, cheapest first (rule-breaking settings flagged)."""
        rows = []
        for setting in self.settings():
            o = self.evaluate(setting)
            m = o.metrics
            rows.append(
                {
                    **setting,
                    "cost_usd": o.cost_usd,
                    "bad_day_loss_usd": m["loss on the bad day (USD)"],
                    "false_halts": m["false halts on normal days"],
                    "false_halts_usd": m["false halts (USD)"],
                    "oncall_usd": m["on-call rota (USD)"],
                    "breaks_rule": bool(o.broken_rules),
                }
            )
        return pd.DataFrame(rows).sort_values("cost_usd", kind="stable").reset_index(drop=True)
