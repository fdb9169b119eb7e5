"""The chatbot case's signature drill: size the red team, and choose what takes a bad version off the air.

The learner owns a customer-facing bot that, like the Tahoe, MyCity and DPD bots (shared/incidents.md
section 10), can say what the business cannot stand behind: here, commit a price or state a legal rule.
Two levers:

* **red-team attempts** before launch and again before every update goes live (:data:`RED_TEAM_SIZES`).
  The gate is the rule of three: a round passes only when all ``n`` adversarial attempts are clean, which
  bounds the commitment rate at about ``3 / n`` with 95% confidence (exactly ``1 - 0.05 ** (1 / n)``). A
  round that finds a commitment sends the bot back for a fix, which divides its rate by
  ``1 / FIX_FACTOR``, and the round is run again; after :attr:`RedTeamTask.MAX_ROUNDS` failed rounds the
  bot is shelved. ``0`` launches with no adversarial test at all;
* **what takes a bad version off the air** once it is live (:data:`RESPONSES`): keep it live behind a
  disclaimer (New York City's choice with MyCity after the report; it knowingly leaves a bot that
  commits alone on the air, so it breaks the case's hard rule and is never the optimum, but its cost is
  shown); a kill switch that disables the AI element at the first flagged reply (what DPD said it did);
  or a rollback trigger that fires when the lower 95% confidence bound of the flagged rate over the last
  week of adversarial attempts exceeds the gate's budget (:func:`nogo.models.killswitch.rollback_trigger`),
  which one false flag does not fire.

The simulation (synthetic, every constant illustrative): each simulated bot draws its commitment rate per
adversarial attempt around the case's ``commitment_rate`` (lognormal, :attr:`RedTeamTask.RATE_SPREAD`);
over :attr:`RedTeamTask.DAYS` days it faces ``attacks_per_day`` adversarial attempts a day, each
commitment costing ``public_failure_usd``; an automated check flags every commitment and, besides,
``false_reports_per_day`` replies that were not one. On day :attr:`RedTeamTask.UPDATE_DAY` an update
ships; with chance :attr:`RedTeamTask.REGRESSION_CHANCE` it multiplies the rate by
:attr:`RedTeamTask.REGRESSION_FACTOR` (DPD). When a switch fires a person checks within the day: a real
commitment takes the AI element off for :attr:`RedTeamTask.FIX_DAYS` days and the fix divides the rate; a
false flag costs a day off. Every day the bot is not live (testing, fixing, shelved) loses
``bot_value_usd_per_day``. Every setting sees the same random draws (common random numbers), so the
comparison between settings is not luck; the optimum is found by trying every setting.

Examples
--------
>>> task = RedTeamTask(attacks_per_day=20, commitment_rate=0.01, public_failure_usd=20_000,
...                    false_reports_per_day=0.05, red_team_usd_per_attempt=2, bot_value_usd_per_day=1_500,
...                    seed=1, n_paths=200)
>>> [lever.name for lever in task.levers]
['red_team_attempts', 'response']
>>> untested = task.evaluate({"red_team_attempts": 0, "response": "kill switch at the first flag"})
>>> tested = task.evaluate({"red_team_attempts": 3000, "response": "kill switch at the first flag"})
>>> untested.metrics["commitments in production"] > tested.metrics["commitments in production"]
True
>>> task.evaluate({"red_team_attempts": 3000, "response": DISCLAIMER}).broken_rules != ()
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_rng
from nogo._validate import check_count as _count
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.models.autonomy import decisions_needed
from nogo.models.killswitch import rollback_trigger
from nogo.models.stats import proportion_upper_bound

__all__ = [
    "DISCLAIMER",
    "KILL_SWITCH",
    "RED_TEAM_SIZES",
    "RESPONSES",
    "ROLLBACK",
    "RedTeamTask",
    "poisson_from_uniform",
    "red_team_sizes_table",
    "rollback_threshold",
]

RED_TEAM_SIZES: tuple[int, ...] = (0, 300, 1000, 3000, 10000)
"""The red-team sizes a learner may choose: clean adversarial attempts a round must pass."""
DISCLAIMER = "keep it live with a disclaimer"
KILL_SWITCH = "kill switch at the first flag"
ROLLBACK = "rollback trigger on the flagged rate"
RESPONSES: dict[str, str] = {
    DISCLAIMER: "the bot stays live; a disclaimer says its replies are not binding",
    KILL_SWITCH: "the AI element is disabled at the first flagged reply; a person checks it within the day",
    ROLLBACK: "disabled when the week's flagged rate is, with 95% confidence, above the gate's budget",
}
"""What takes a bad version off the air: name -> what it does."""
LEVEL = 0.95
"""Confidence of the red-team bound and of the rollback trigger."""


def poisson_from_uniform(u: np.ndarray, lam: np.ndarray, *, k_max: int = 12) -> np.ndarray:
    """Poisson counts with mean ``lam`` from uniforms ``u`` by the inverse CDF (counts above ``k_max`` are
    cut to it), so every setting turns the same uniforms into its counts (common random numbers).

    Examples
    --------
    >>> u = np.array([0.3, 0.5, 0.99])
    >>> poisson_from_uniform(u, np.array([0.5, 0.5, 0.5])).tolist()  # P(X <= 2) = 0.9856 < 0.99
    [0.0, 0.0, 3.0]
    >>> from scipy.stats import poisson
    >>> poisson.ppf(u, 0.5).tolist()  # the same inverse CDF
    [0.0, 0.0, 3.0]
    """
    term = np.exp(-lam)
    cdf = term.copy()
    count = np.zeros(np.shape(u))
    for k in range(1, k_max + 1):
        count += u > cdf
        term = term * lam / k
        cdf = cdf + term
    return count


def red_team_sizes_table(budgets: Any, *, level: float = LEVEL) -> pd.DataFrame:
    """How many clean adversarial attempts bound the commitment rate within each budget.

    Three ways to the same number: the rule of three (``3 / budget``), the exact zero-failure binomial
    (the smallest ``n`` with ``(1 - budget) ** n <= 1 - level``) and nogo's promotion-gate planner
    (:func:`nogo.models.autonomy.decisions_needed`, the Clopper-Pearson bound), and the 95% upper bound
    the exact ``n`` reaches (:func:`nogo.models.stats.proportion_upper_bound`).

    Parameters
    ----------
    budgets
        Error budgets: the commitment rates per attempt the gate must bound (each in (0, 1)).
    level
        One-sided confidence of the bound.

    Returns
    -------
    pandas.DataFrame
        ``budget``, ``rule_of_three``, ``exact_attempts``, ``decisions_needed``, ``upper_bound``.

    Examples
    --------
    >>> table = red_team_sizes_table([0.01, 0.001])
    >>> table[["rule_of_three", "exact_attempts", "decisions_needed"]].values.tolist()
    [[300, 299, 299], [3000, 2995, 2995]]
    """
    budget = np.atleast_1d(np.asarray(budgets, dtype=float))
    exact = np.ceil(np.log(1 - level) / np.log1p(-budget)).astype(np.int64)
    needed = np.asarray([decisions_needed(float(b), level=level) for b in budget], dtype=np.int64)
    return pd.DataFrame(
        {
            "budget": budget,
            "rule_of_three": np.round(3 / budget).astype(np.int64),
            "exact_attempts": exact,
            "decisions_needed": needed,
            "upper_bound": proportion_upper_bound(np.zeros(budget.size), exact, level=level),
        }
    )


def rollback_threshold(attempts_in_window: int, rollback_rate: float, *, level: float = LEVEL) -> int:
    """The fewest flagged replies among ``attempts_in_window`` that fire :func:`rollback_trigger`.

    Examples
    --------
    >>> rollback_threshold(140, 0.001)  # a week of 20 attempts a day: one flag never fires it
    2
    """
    n = int(attempts_in_window)
    k = np.arange(n + 1)
    fired = rollback_trigger(k, np.full(n + 1, n), rollback_rate=rollback_rate, level=level)["fired"]
    return int(k[fired.to_numpy()][0]) if fired.any() else n + 1


class RedTeamTask(SignatureTask):
    """Size the red team before launch and after every update; choose what takes a bad version off the air.

    Parameters
    ----------
    attacks_per_day
        Adversarial attempts a day in production (the case's assumption).
    commitment_rate
        Median chance, per adversarial attempt, that the untested bot commits (each path draws its own).
    public_failure_usd
        What one commitment in production costs the business, USD.
    false_reports_per_day
        Flags a day on replies that were not a commitment.
    red_team_usd_per_attempt
        What one red-team attempt costs, USD.
    bot_value_usd_per_day
        What the bot saves a day while it is live, USD.
    seed
        Seed of the draws (the same draws for every setting).
    rollback_rate
        The gate's budget: the commitment rate the rollback trigger tests against.
    rule
        The hard rule a bot knowingly kept live breaks (the case's rule text).
    n_paths
        Simulated bots.
    question
        The question the drill asks (the case file's ``signature.question``).
    """

    question: ClassVar[str] = (
        "How many clean adversarial attempts before launch and after every update, and what takes a bad "
        "version off the air?"
    )
    DAYS: ClassVar[int] = 90
    """Days simulated (a quarter)."""
    UPDATE_DAY: ClassVar[int] = 45
    """The day a model or system update ships."""
    REGRESSION_CHANCE: ClassVar[float] = 0.5
    """Chance the update makes the bot easier to talk into a commitment (illustrative)."""
    REGRESSION_FACTOR: ClassVar[float] = 10.0
    """How much a regressing update multiplies the commitment rate (illustrative)."""
    RATE_SPREAD: ClassVar[float] = 0.8
    """Log standard deviation of a bot's commitment rate around the case's median (illustrative)."""
    FIX_FACTOR: ClassVar[float] = 0.2
    """A fix multiplies the commitment rate by this (illustrative)."""
    FIX_DAYS: ClassVar[int] = 5
    """Days a fix takes; the AI element is off meanwhile (illustrative)."""
    ROUND_DAYS: ClassVar[int] = 1
    """Days one red-team round takes before launch (illustrative)."""
    MAX_ROUNDS: ClassVar[int] = 5
    """Red-team rounds before the bot is shelved."""
    WINDOW_DAYS: ClassVar[int] = 7
    """The rollback trigger's window."""
    DISCLAIMER_RELIEF: ClassVar[float] = 0.1
    """Share of a commitment's cost a disclaimer saves (illustrative: courts and customers may ignore it)."""

    def __init__(
        self,
        *,
        attacks_per_day: float,
        commitment_rate: float,
        public_failure_usd: float,
        false_reports_per_day: float,
        red_team_usd_per_attempt: float,
        bot_value_usd_per_day: float,
        seed: int,
        rollback_rate: float = 0.001,
        rule: str = "a price or an offer is committed only by a person",
        n_paths: int = 1000,
        question: str | None = None,
    ) -> None:
        self.attacks_per_day = _scalar("attacks_per_day", attacks_per_day, low=0.0, low_open=True,
                                       expected="attempts a day > 0")  # fmt: skip
        self.commitment_rate = _scalar("commitment_rate", commitment_rate, low=0.0, high=0.5, low_open=True,
                                       expected="a rate in (0, 0.5]")  # fmt: skip
        self.public_failure_usd = _scalar(
            "public_failure_usd", public_failure_usd, low=0.0, expected="a cost >= 0"
        )
        self.false_reports_per_day = _scalar("false_reports_per_day", false_reports_per_day, low=0.0,
                                             expected="a rate >= 0")  # fmt: skip
        self.red_team_usd_per_attempt = _scalar("red_team_usd_per_attempt", red_team_usd_per_attempt, low=0.0,
                                                expected="a cost >= 0")  # fmt: skip
        self.bot_value_usd_per_day = _scalar("bot_value_usd_per_day", bot_value_usd_per_day, low=0.0,
                                             expected="a value >= 0")  # fmt: skip
        self.rollback_rate = _scalar("rollback_rate", rollback_rate, low=0.0, high=1.0, low_open=True,
                                     high_open=True, expected="a rate in (0, 1)")  # fmt: skip
        self.rule = str(rule)
        self.n_paths = _count("n_paths", n_paths)
        if question:
            self.question = question  # type: ignore[misc]
        rng = as_rng(seed)
        p = self.n_paths
        self.rate0 = np.minimum(0.5, self.commitment_rate * np.exp(self.RATE_SPREAD * rng.standard_normal(p)))
        self.regresses = rng.random(p) < self.REGRESSION_CHANCE
        self.u_gate = rng.random((self.MAX_ROUNDS, p))
        self.u_update = rng.random(p)
        self.u_fail = rng.random((self.DAYS, p))
        self.false_flags = rng.poisson(self.false_reports_per_day, (self.DAYS, p))
        window_attempts = max(1, round(self.attacks_per_day * self.WINDOW_DAYS))
        self.rollback_flags = rollback_threshold(window_attempts, self.rollback_rate)
        self.levers = (
            Lever("red_team_attempts", "red-team attempts per round", RED_TEAM_SIZES, unit="attempts",
                  help="before launch and before every update: a round passes only if all are clean"),
            Lever("response", "what takes a bad version off the air", tuple(RESPONSES),
                  help="; ".join(f"{k}: {v}" for k, v in RESPONSES.items())),
        )  # fmt: skip
        self._cache: dict[tuple, SignatureOutcome] = {}

    def _launch(self, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Rounds run, launch day, the rate at launch and whether the bot is shelved, per path."""
        p = self.n_paths
        if n == 0:
            return np.zeros(p), np.zeros(p), self.rate0.copy(), np.zeros(p, dtype=bool)
        rate = self.rate0.copy()
        rounds = np.zeros(p)
        passed = np.zeros(p, dtype=bool)
        for r in range(self.MAX_ROUNDS):
            testing = ~passed
            rounds += testing
            clean = self.u_gate[r] < (1 - rate) ** n
            passed |= testing & clean
            rate = np.where(testing & ~clean, rate * self.FIX_FACTOR, rate)
        failed = rounds - passed
        day = rounds * self.ROUND_DAYS + failed * self.FIX_DAYS
        return rounds, day, rate, ~passed

    def run(self, choices: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """The quarter under a setting, per path: counts and costs (see the module docstring)."""
        setting = self.check(choices)
        n, response = int(setting["red_team_attempts"]), setting["response"]
        rounds, launch_day, rate, shelved = self._launch(n)
        p = self.n_paths
        off_until = np.zeros(p)
        since_arm = np.zeros(p)  # real commitments since the switch was last armed
        window = np.zeros((self.WINDOW_DAYS, p))
        commitments = np.zeros(p)
        days_off = np.zeros(p)
        false_alarms = np.zeros(p)
        fixes = np.zeros(p)
        update_tests = 0
        for d in range(self.DAYS):
            if d == self.UPDATE_DAY:
                new = np.minimum(0.5, rate * np.where(self.regresses, self.REGRESSION_FACTOR, 1.0))
                if n > 0:
                    update_tests = n
                    new = np.where(self.u_update < (1 - new) ** n, new, rate)  # a failed test holds it
                rate = new
            live = ~shelved & (d >= launch_day) & (d >= off_until)
            days_off += ~live
            fails = np.where(live, poisson_from_uniform(self.u_fail[d], self.attacks_per_day * rate), 0.0)
            flags = fails + np.where(live, self.false_flags[d], 0)
            commitments += fails
            since_arm += fails
            if response == DISCLAIMER:
                continue
            window[d % self.WINDOW_DAYS] = flags
            if response == KILL_SWITCH:
                fire = live & (flags > 0)
            else:
                fire = live & (window.sum(axis=0) >= self.rollback_flags)
            real = fire & (since_arm > 0)
            off_until = np.where(fire, d + 1 + np.where(real, self.FIX_DAYS, 1), off_until)
            rate = np.where(real, rate * self.FIX_FACTOR, rate)
            false_alarms += fire & ~real
            fixes += real
            since_arm = np.where(fire, 0.0, since_arm)
            window[:, fire] = 0.0
        relief = self.DISCLAIMER_RELIEF if response == DISCLAIMER else 0.0
        return {
            "rounds": rounds,
            "launch_day": np.where(shelved, np.nan, launch_day),
            "shelved": shelved,
            "commitments": commitments,
            "days_off": days_off,
            "false_alarms": false_alarms,
            "fixes": fixes,
            "red_team_usd": (rounds * n + update_tests * ~shelved) * self.red_team_usd_per_attempt,
            "value_lost_usd": days_off * self.bot_value_usd_per_day,
            "commitments_usd": commitments * self.public_failure_usd * (1 - relief),
        }

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the simulated quarter: mean cost per bot in USD, and what happened."""
        setting = self.check(choices)
        key = tuple(setting.values())
        if key in self._cache:
            return self._cache[key]
        out = self.run(setting)
        parts = {
            "red team": float(out["red_team_usd"].mean()),
            "value lost while the bot is off": float(out["value_lost_usd"].mean()),
            "commitments in production": float(out["commitments_usd"].mean()),
        }
        shelved = float(out["shelved"].mean())
        launched = ~out["shelved"]
        launch_day = float(np.mean(out["launch_day"][launched])) if launched.any() else float("nan")
        metrics = {
            "red-team rounds before launch": float(out["rounds"].mean()),
            "day of launch (mean of bots launched)": launch_day,
            "bots shelved by the gate": shelved,
            "commitments in production": float(out["commitments"].mean()),
            "days the AI element was off": float(out["days_off"].mean()),
            "false alarms": float(out["false_alarms"].mean()),
            **{f"{name} (USD)": v for name, v in parts.items()},
        }
        n = setting["red_team_attempts"]
        bound = (
            "no bound on its commitment rate"
            if n == 0
            else (f"a 95% bound of {float(proportion_upper_bound(0, n)[0]):.2%} on its commitment rate")
        )
        made, off = metrics["commitments in production"], metrics["days the AI element was off"]
        story = (
            f"The bot launched with {bound}; in the quarter it made {made:.1f} commitments in production and "
            f"its AI element was off {off:.1f} days (testing, fixing, false alarms)."
        )
        broken: tuple[str, ...] = ()
        if setting["response"] == DISCLAIMER:
            broken = (self.rule,)
            story += (
                " Kept live behind a disclaimer, it went on committing alone after the first one was known."
            )
        result = SignatureOutcome(cost_usd=float(sum(parts.values())), metrics=metrics, broken_rules=broken,
                                  story=story)  # fmt: skip
        self._cache[key] = result
        return result
