"""The case's signature drill: the margin of safety, the weekly volume cap and the stop on realised margin.

The learner runs an automated home buyer for a year and sets three levers: the **margin of safety** (the
offer is the model's estimate times ``1 - margin``), the **weekly volume cap** (homes bought a week at
most; "buy nothing" is the no-go) and the **stop on realised margin** (buying stops for the rest of the
year when the homes resold over the last four weeks earned, on average, less than a floor). Each setting
runs on the same simulated years (common random numbers; SYNTHETIC, every number an assumption of the case
file unless it says otherwise):

* **offers**: ``offers_per_week`` sellers ask for an offer each week; the homes, the model's error and the
  sellers' prices in mind are those of :mod:`.curse`, so the acceptance rate and the winner's curse at each
  margin are :func:`.curse.winners_curse`'s closed form; the homes accepted in a week are a binomial draw,
  and the cap keeps the first ``cap`` of them;
* **the market**: nobody knows in advance whether prices will keep rising or cool. Each simulated year
  draws its drift, ``market_drift_per_year`` on average with a spread of ``drift_sd_per_year``, plus
  week-to-week noise (``market_sd_per_year``): one index for every home;
* **resale**: a home bought in week ``w`` resells ``holding_weeks`` later at its value times the index's
  move, times ``1 + resale_margin_share`` (what a home bought at exactly its value earns net of fees,
  repairs, holding and selling costs), times ``1 - resale_impact_per_100_homes * homes / 100`` (the
  business's own listings that week compete with each other), times a home's own lognormal noise
  (``resale_sd``);
* **the stop**: at the end of each week, the mean realised margin of the homes resold over the last four
  weeks (each home's profit over its price; the mean of at least :attr:`MarginCapTask.MIN_HOMES` homes,
  with its sampling noise) is compared with the floor. It learns only from homes already resold, so it
  lags the market by the holding period.

A setting's cost is minus the year's expected profit on the homes it bought (USD, the mean over the
simulated years; the profit of a home is counted when it resells, after the year if need be). Too large a
margin buys too few homes; too small a margin buys the winner's curse; no cap buys into the glut of the
business's own listings; a stop too tight stops a good year on noise, and none lets a cooling year run.
The best setting moves with the model's error, the market's drift, the resale margin and the offer flow.

Two hard rules (:data:`MARGIN_RULE`, :data:`STOP_RULE`): a binding offer at the model's own estimate (no
margin) while its median error exceeds the resale margin, and buying with no stop on realised margin, are
never the optimum and never correct, whatever they would earn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.stats import norm

from nogo._validate import as_bounded_scalar, as_rng, check_count
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.cases.zillow_offers.curse import error_sd_from_median, winners_curse
from nogo.formatting import format_count, format_percent, format_usd

__all__ = [
    "CAPS",
    "MARGINS_PCT",
    "MARGIN_RULE",
    "NO_STOP",
    "STOPS",
    "STOP_RULE",
    "MarginCapTask",
    "OfferYear",
    "replay_year",
]

MARGINS_PCT: tuple[int, ...] = (0, 2, 4, 6, 8, 10, 12)
"""The margins of safety a learner may choose, in % below the model's estimate."""
CAPS: dict[str, int | None] = {
    "buy nothing": 0,
    "100 a week": 100,
    "250 a week": 250,
    "500 a week": 500,
    "no cap": None,
}
"""The weekly volume caps a learner may choose: label -> homes a week at most (None: no cap)."""
NO_STOP = "no stop"
STOPS: dict[str, float | None] = {
    NO_STOP: None,
    "stop below -2%": -0.02,
    "stop below 0%": 0.0,
    "stop below +2%": 0.02,
}
"""The stops on realised margin a learner may choose: label -> the floor on the mean realised margin of the
last four weeks' resales (None: buying never stops)."""
MARGIN_RULE = (
    "no binding offer at the model's own estimate (no margin of safety) while its median error exceeds "
    "the resale margin"
)
STOP_RULE = "buying stops automatically when realised resale margins fall below a floor"
_WINDOW_WEEKS = 4


@dataclass(frozen=True)
class OfferYear:
    """The market and the offer flow of the simulated years (see the module docstring for each field)."""

    model_error_share: float
    resale_margin_share: float
    market_drift_per_year: float
    offers_per_week: int
    seller_sd: float = 0.07
    drift_sd_per_year: float = 0.12
    market_sd_per_year: float = 0.05
    resale_impact_per_100_homes: float = 0.01
    resale_sd: float = 0.05
    holding_weeks: int = 13
    weeks: int = 52
    price_per_home_usd: float = 400_000.0

    def __post_init__(self) -> None:
        as_bounded_scalar("model_error_share", self.model_error_share, low=0.0, low_open=True, high=1.0)
        as_bounded_scalar("resale_margin_share", self.resale_margin_share, low=-0.5, high=0.5)
        as_bounded_scalar("market_drift_per_year", self.market_drift_per_year, low=-1.0, high=1.0)
        check_count("offers_per_week", self.offers_per_week)
        for name in ("seller_sd", "drift_sd_per_year", "market_sd_per_year", "resale_sd"):
            as_bounded_scalar(name, getattr(self, name), low=0.0)
        as_bounded_scalar("resale_impact_per_100_homes", self.resale_impact_per_100_homes, low=0.0, high=0.2)
        check_count("holding_weeks", self.holding_weeks)
        check_count("weeks", self.weeks)
        as_bounded_scalar("price_per_home_usd", self.price_per_home_usd, low=0.0, low_open=True)

    @property
    def error_sd(self) -> float:
        """The model's log error sd (from its median error)."""
        return error_sd_from_median(self.model_error_share)


class MarginCapTask(SignatureTask):
    """Choose the margin of safety, the weekly volume cap and the stop on realised margin; run the year.

    Parameters
    ----------
    year
        The market and the offer flow (:class:`OfferYear`).
    seed
        Seed of the simulated years (the same draws for every setting).
    n_paths
        Simulated years.
    question
        The question the drill asks (the case file's ``signature.question``).

    Examples
    --------
    >>> task = MarginCapTask(OfferYear(0.06, 0.03, 0.0, 600), seed=1, n_paths=100)
    >>> [lever.name for lever in task.levers]
    ['margin_pct', 'cap', 'stop']
    >>> at_estimate = {"margin_pct": 0, "cap": "no cap", "stop": "stop below 0%"}
    >>> task.evaluate(at_estimate).broken_rules == (MARGIN_RULE,)
    True
    >>> best, outcome = task.optimum()
    >>> best["margin_pct"] > 0 and best["stop"] != NO_STOP
    True
    """

    question: ClassVar[str] = (
        "How far below the model's estimate do you offer, how many homes a week may it buy, and what "
        "realised margin stops the buying?"
    )
    MIN_HOMES: ClassVar[int] = 10
    """Fewest resales in the window for the stop to read a margin (fewer: it waits)."""

    def __init__(
        self, year: OfferYear, *, seed: int, n_paths: int = 200, question: str | None = None
    ) -> None:
        if not isinstance(year, OfferYear):
            raise TypeError(f"year: expected an OfferYear, got {type(year).__name__}")
        self.year = year
        self.n_paths = check_count("n_paths", n_paths)
        if question:
            self.question = question  # type: ignore[misc]
        rng = as_rng(seed)
        y, paths = year, self.n_paths
        horizon = y.weeks + y.holding_weeks
        drift = y.market_drift_per_year + y.drift_sd_per_year * rng.standard_normal(paths)
        steps = drift / 52 + y.market_sd_per_year * np.sqrt(1 / 52) * rng.standard_normal((horizon, paths))
        log_index = np.vstack([np.zeros((1, paths)), np.cumsum(steps, axis=0)])
        self.year_drift = drift
        self.move = np.exp(log_index[y.holding_weeks : y.holding_weeks + y.weeks] - log_index[: y.weeks])
        self.accept_z = rng.standard_normal((y.weeks, paths))  # the week's acceptances
        self.noise = rng.standard_normal((y.weeks, paths))  # the stop's sampling noise
        curse = winners_curse(np.asarray(MARGINS_PCT) / 100, y.error_sd, seller_sd=y.seller_sd)
        self.curse = curse.set_index(np.asarray(MARGINS_PCT))
        self.levers = (
            Lever("margin_pct", "margin of safety", MARGINS_PCT, unit="percent below the estimate",
                  help="the binding offer is the model's estimate less this share"),
            Lever("cap", "weekly volume cap", tuple(CAPS),
                  help="homes bought a week at most; 'buy nothing' does not launch"),
            Lever("stop", "stop on realised margin", tuple(STOPS),
                  help="buying stops for the year when the last four weeks' resales earned, on average, "
                  "less than this margin on their price"),
        )  # fmt: skip
        self._cache: dict[tuple, SignatureOutcome] = {}
        self._accepted_cache: dict[int, np.ndarray] = {}
        self._moments_cache: dict[int, tuple[float, float, float, float]] = {}
        self._grid: dict[str, np.ndarray] | None = None

    # ------------------------------------------------------------------------------------------ the model
    def moments(self, margin_pct: int) -> tuple[float, float, float, float]:
        """Acceptance rate, E[price / value], E[value / price] and E[(value / price)**2], accepted homes."""
        if margin_pct not in self._moments_cache:
            y, row = self.year, self.curse.loc[margin_pct]
            m, sd = margin_pct / 100, y.error_sd
            s = float(np.hypot(sd, y.seller_sd))
            c = -np.log(1 - m)
            second = np.exp(2 * sd**2) * norm.sf((c + 2 * sd**2) / s) / ((1 - m) ** 2 * norm.sf(c / s))
            self._moments_cache[margin_pct] = (float(row["acceptance_rate"]), float(row["price_over_value"]),
                                               float(row["value_over_price"]), float(second))  # fmt: skip
        return self._moments_cache[margin_pct]

    def _accepted(self, margin_pct: int, accept: float) -> np.ndarray:
        """Homes accepted each week and path at a margin: binomial, by its normal approximation (hundreds of
        offers a week) on the common draws, rounded and kept within 0 and the offers."""
        if margin_pct not in self._accepted_cache:
            k = self.year.offers_per_week
            draw = np.rint(k * accept + np.sqrt(k * accept * (1 - accept)) * self.accept_z)
            self._accepted_cache[margin_pct] = np.clip(draw, 0, k)
        return self._accepted_cache[margin_pct]

    def weeks(self, choices: Mapping[str, Any]) -> dict[str, np.ndarray]:
        """The year under a setting, week by week and path by path (``(weeks, paths)`` arrays).

        Returns
        -------
        dict
            ``bought`` (homes bought), ``profit_usd`` (their expected profit at resale, given the
            market), ``margin`` (their expected realised margin), ``signal`` (the stop's reading at the end
            of the week, NaN while it waits), ``stopped`` (bool: buying had stopped before the week).
        """
        setting = self.check(choices)
        y = self.year
        cap, floor = CAPS[setting["cap"]], STOPS[setting["stop"]]
        accept, price_over_value, mean_y, second_y = self.moments(setting["margin_pct"])
        accepted = self._accepted(setting["margin_pct"], accept)
        bought = accepted if cap is None else np.minimum(accepted, cap)
        factor = self.move * (1 + y.resale_margin_share) * (1 - y.resale_impact_per_100_homes * bought / 100)
        resale_mean = np.exp(y.resale_sd**2 / 2)
        profit = bought * y.price_per_home_usd / price_over_value * (factor * resale_mean - price_over_value)
        margin = factor * resale_mean * mean_y - 1
        var_home = factor**2 * (np.exp(2 * y.resale_sd**2) * second_y - resale_mean**2 * mean_y**2)
        # The stop at the end of week t reads the homes bought in weeks t - H - 3 .. t - H.
        n_win = _rolling(bought, _WINDOW_WEEKS)
        sum_win = _rolling(bought * margin, _WINDOW_WEEKS)
        var_win = _rolling(bought * var_home, _WINDOW_WEEKS)
        h = y.holding_weeks
        signal = np.full_like(margin, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            read = sum_win[: y.weeks - h] / n_win[: y.weeks - h]
            read = read + np.sqrt(var_win[: y.weeks - h]) / n_win[: y.weeks - h] * self.noise[h:]
        signal[h:] = np.where(n_win[: y.weeks - h] >= self.MIN_HOMES, read, np.nan)
        fired = np.zeros_like(margin, dtype=bool) if floor is None else signal < floor
        stopped = np.cumsum(np.vstack([np.zeros((1, fired.shape[1]), bool), fired[:-1]]), axis=0) > 0
        return {
            "bought": np.where(stopped, 0.0, bought),
            "profit_usd": np.where(stopped, 0.0, profit),
            "margin": margin,
            "signal": signal,
            "stopped": stopped,
        }

    def grid(self) -> dict[str, np.ndarray]:
        """Every setting at once, vectorised: ``(margins, caps, stops, paths)`` arrays, in the levers' order.

        The same model as :meth:`weeks`, broadcast over the levers' choices instead of run one setting at a
        time (the tests check one against the other).

        Returns
        -------
        dict
            ``profit_usd`` (the year's profit per path), ``homes`` (homes bought), ``fired`` (bool: the
            stop fired during the year).
        """
        if self._grid is not None:
            return self._grid
        y = self.year
        moments = np.array([self.moments(m) for m in MARGINS_PCT])  # (M, 4)
        _, pov, mean_y, second_y = (moments[:, j, None, None, None] for j in range(4))
        accepted = np.stack(
            [self._accepted(m, float(a)) for m, a in zip(MARGINS_PCT, moments[:, 0], strict=True)]
        )
        caps = np.array([np.inf if c is None else c for c in CAPS.values()], dtype=float)
        bought = np.minimum(accepted[:, None], caps[None, :, None, None])  # (M, C, W, P)
        factor = self.move * (1 + y.resale_margin_share) * (1 - y.resale_impact_per_100_homes * bought / 100)
        resale_mean = np.exp(y.resale_sd**2 / 2)
        profit = bought * y.price_per_home_usd / pov * (factor * resale_mean - pov)
        margin = factor * resale_mean * mean_y - 1
        var_home = factor**2 * (np.exp(2 * y.resale_sd**2) * second_y - resale_mean**2 * mean_y**2)
        h, w = y.holding_weeks, y.weeks
        n_win = _rolling(bought, _WINDOW_WEEKS, axis=2)[:, :, : w - h]
        sum_win = _rolling(bought * margin, _WINDOW_WEEKS, axis=2)[:, :, : w - h]
        var_win = _rolling(bought * var_home, _WINDOW_WEEKS, axis=2)[:, :, : w - h]
        signal = np.full(bought.shape, np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            read = (sum_win + np.sqrt(var_win) * self.noise[h:]) / n_win
        signal[:, :, h:] = np.where(n_win >= self.MIN_HOMES, read, np.nan)
        floors = np.array([np.nan if f is None else f for f in STOPS.values()])
        fired = signal[:, :, None] < floors[None, None, :, None, None]  # NaN compares False: no stop
        before = np.logical_or.accumulate(fired, axis=3)
        stopped = np.concatenate([np.zeros_like(before[:, :, :, :1]), before[:, :, :, :-1]], axis=3)
        self._grid = {
            "profit_usd": np.where(stopped, 0.0, profit[:, :, None]).sum(axis=3),
            "homes": np.where(stopped, 0.0, bought[:, :, None]).sum(axis=3),
            "fired": before[:, :, :, -1],
        }
        return self._grid

    def broken_rules(self, choices: Mapping[str, Any]) -> tuple[str, ...]:
        """The hard rules a setting breaks (none when it buys nothing)."""
        setting = self.check(choices)
        y = self.year
        if CAPS[setting["cap"]] == 0:
            return ()
        broken = []
        if setting["margin_pct"] == 0 and y.model_error_share > y.resale_margin_share:
            broken.append(MARGIN_RULE)
        if STOPS[setting["stop"]] is None:
            broken.append(STOP_RULE)
        return tuple(broken)

    def index_of(self, setting: Mapping[str, Any]) -> tuple[int, int, int]:
        """Where a setting sits in :meth:`grid`'s arrays: (margin, cap, stop) positions."""
        return (MARGINS_PCT.index(setting["margin_pct"]), list(CAPS).index(setting["cap"]),
                list(STOPS).index(setting["stop"]))  # fmt: skip

    def optimum(self) -> tuple[dict[str, Any], SignatureOutcome]:
        """The most profitable setting that breaks no hard rule, read off :meth:`grid` (ties: the first in
        :meth:`settings` order); the same answer as trying every setting with :meth:`evaluate`."""
        mean = self.grid()["profit_usd"].mean(axis=-1)
        best: tuple[float, dict[str, Any]] | None = None
        for setting in self.settings():
            if self.broken_rules(setting):
                continue
            value = float(mean[self.index_of(setting)])
            if best is None or -value < -best[0]:
                best = (value, setting)
        if best is None:  # pragma: no cover - "buy nothing" never breaks a rule
            raise RuntimeError("every setting breaks a hard rule")
        return best[1], self.evaluate(best[1])

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the simulated years: cost in USD (minus the year's expected profit)."""
        setting = self.check(choices)
        key = tuple(setting.values())
        if key in self._cache:
            return self._cache[key]
        grid, at = self.grid(), self.index_of(setting)
        profit, homes, fired = grid["profit_usd"][at], grid["homes"][at], grid["fired"][at]
        cooling = self.year_drift < 0
        buying = CAPS[setting["cap"]] != 0
        overpay = float(self.curse.loc[setting["margin_pct"], "overpayment_share"])
        loss_years = float((profit < 0).mean())
        worst = float(np.quantile(profit, 0.1))
        metrics = {
            "homes bought in the year (mean)": format_count(float(homes.mean())),
            "profit in the year (mean)": format_usd(float(profit.mean()), compact=True),
            "profit in the worst year in ten": format_usd(worst, compact=True),
            "years that lost money": format_percent(loss_years),
            "accepted homes' price over their value, on average": format_percent(overpay, decimals=1),
            "years the stop fired": format_percent(float(fired.mean())),
            "cooling years in which the stop fired": format_percent(float(fired[cooling].mean()))
            if cooling.any() else "no cooling year drawn",
        }  # fmt: skip
        if not buying:
            story = "You did not launch: no home bought, no profit and no loss."
        else:
            mean_usd, worst_usd = (
                format_usd(float(profit.mean()), compact=True),
                format_usd(worst, compact=True),
            )
            side = "above" if overpay > 0 else "below"
            story = (
                f"You bought {format_count(float(homes.mean()))} homes in a mean year, for a mean profit of "
                f"{mean_usd}; {format_percent(loss_years)} of the years lost money, and the worst year in "
                f"ten made {worst_usd}. The homes sellers accepted were priced "
                f"{format_percent(abs(overpay), decimals=1)} {side} their value on average: "
                + (
                    "the winner's curse at this margin."
                    if overpay > 0
                    else "this margin covers the winner's curse."
                )
            )
            if STOPS[setting["stop"]] is not None:
                story += f" The stop fired in {format_percent(float(fired.mean()))} of the years."
        out = SignatureOutcome(cost_usd=-float(profit.mean()), metrics=metrics,
                               broken_rules=self.broken_rules(setting), story=story)  # fmt: skip
        self._cache[key] = out
        return out


def _rolling(values: np.ndarray, window: int, axis: int = 0) -> np.ndarray:
    """Sum over the last ``window`` entries (fewer at the start) along ``axis``, from one cumulative sum.

    Examples
    --------
    >>> _rolling(np.arange(5.0)[:, None], 2)[:, 0].tolist()
    [0.0, 1.0, 3.0, 5.0, 7.0]
    """
    c = np.moveaxis(np.cumsum(values, axis=axis), axis, 0)
    out = c.copy()
    out[window:] = c[window:] - c[:-window]
    return np.moveaxis(out, 0, axis)


def replay_year(task: MarginCapTask, choices: Mapping[str, Any], path: int) -> pd.DataFrame:
    """One simulated year under a setting as a weekly stream for :func:`nogo.evaluate_kill_switches`.

    A row is a week of purchases. ``loss_usd`` is the loss those homes will make when they resell (what
    stopping before that week avoids: the stream's loss is committed at purchase); what the business can
    see that week is ``realised_loss_usd`` (the loss on the homes resold that week, bought a holding period
    earlier) and ``margin_shortfall`` (minus the mean realised margin of the last four weeks' resales;
    -1 while there are too few to read). The setting's own stop is ignored: the replay buys all year.

    Returns
    -------
    pandas.DataFrame
        ``week`` (1 to 52), ``homes_bought``, ``loss_usd``, ``realised_loss_usd``, ``margin_shortfall``.

    Examples
    --------
    >>> task = MarginCapTask(OfferYear(0.05, 0.03, -0.1, 600), seed=1, n_paths=20)
    >>> r = replay_year(task, {"margin_pct": 0, "cap": "no cap", "stop": "no stop"}, path=0)
    >>> len(r), bool((r["realised_loss_usd"].iloc[:13] == 0).all())
    (52, True)
    """
    setting = dict(task.check(choices), stop=NO_STOP)
    run = task.weeks(setting)
    h = task.year.holding_weeks
    loss = -run["profit_usd"][:, path]
    realised = np.zeros_like(loss)
    realised[h:] = loss[:-h]
    signal = run["signal"][:, path]
    return pd.DataFrame(
        {
            "week": np.arange(1, len(loss) + 1),
            "homes_bought": run["bought"][:, path],
            "loss_usd": loss,
            "realised_loss_usd": realised,
            "margin_shortfall": np.where(np.isnan(signal), -1.0, -signal),
        }
    )
