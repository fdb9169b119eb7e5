"""The pricing case's signature drill: bound your own repricer, then watch the Fly loop run.

The learner owns a repricer that undercuts a competitor by a hair (profnath's rule, 0.9983 times the other
price, F2) and sets three levers on it: a **price cap** at a multiple of the reference price, a **daily
rate-of-change limit**, and the **kill-switch signal** that freezes the price and pages the owner. Each
setting is run on the case's own simulation for a month, twice, with the same random draws for every
setting (common random numbers):

* **in a loop**: a competitor's bot prices at 1.270589 times yours (bordeebook's rule, F2), so the pair's
  gain is 1.26843 a day. Both rules are replayed from the reference price (a normal price; the record does
  not say where the Fly loop started) with the case's ``noise_sd`` jitter on each multiplier, as
  :func:`nogo.repricing_loop` does; the bounds apply to your price only (you cannot change the other rule);
* **in an ordinary month** with no loop: the right price of the title moves (the same daily jitter, plus,
  on about one day in twenty, a legitimate move of 30% up or down: a clearance or a restock; synthetic and
  illustrative), and your repricer follows it within the bounds.

What a setting costs, in USD per title and month (all weights illustrative; from the case's parameters
where it has them). A "day" costs a day's sales of the title's stock, ``missed_share`` times its value
(:attr:`LoopGuardrailTask.STOCK_UNITS` copies at the reference price), the case's price of a repricing held
back:

* **peak exposure**: in the loop month, the most your price ever stood above the reference (what one buyer
  would overpay at the worst moment);
* **days at an absurd price**: in the loop month, days above :attr:`LoopGuardrailTask.ABSURD_MULTIPLE`
  times the reference, each :attr:`LoopGuardrailTask.ABSURD_DAY_FACTOR` days (buyers notice);
* **days the loop held your price up**: in the loop month, days more than 1% off the reference (a cap
  stops the climb but not the loop: the price sits at the cap until a person looks), one day each;
* **legitimate repricings blocked**: in the ordinary month, days a bound kept your price more than 1% off
  the right one, one day each;
* **pages**: each time the kill switch fires, a pricing analyst answers (``review_usd``) within the day:
  in the loop month they stop the loop and restore the reference price; in the ordinary month they restore
  the right price (a false alarm). With the case's ``reviewer_miss_rate`` they misjudge the page instead,
  mute the switch for the month and the price runs on: then only a cap bounds it.

A daily limit alone never bounds the loop: the price still grows by the limit every day, and a limit below
a switch's "large move" hides the loop from it. The optimum is
found by trying every setting (:meth:`SignatureTask.optimum`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from nogo._validate import as_bounded_scalar as _scalar
from nogo._validate import as_rng
from nogo._validate import check_count as _count
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask

__all__ = ["CAPS", "KILL_SWITCHES", "RATE_LIMITS", "LoopGuardrailTask", "loop_month"]

_MULTIPLIER_YOURS = 0.9983  # profnath: 0.9983 x the other seller's price (F2, SEEN)
_MULTIPLIER_THEIRS = 1.270589  # bordeebook: 1.270589 x profnath's price (F2, F4, SEEN)

CAPS: dict[str, float | None] = {
    "1.5x the reference": 1.5,
    "3x the reference": 3.0,
    "10x the reference": 10.0,
    "no cap": None,
}
"""The price caps a learner may choose: label -> multiple of the reference price (None: no cap)."""
RATE_LIMITS: dict[str, float | None] = {
    "5% a day": 0.05,
    "10% a day": 0.10,
    "25% a day": 0.25,
    "no limit": None,
}
"""The daily rate-of-change limits a learner may choose: label -> largest daily move (None: no limit)."""
NO_SWITCH = "no kill switch"
KILL_SWITCHES: dict[str, str] = {
    NO_SWITCH: "nothing freezes the price",
    "one large move": "fires on the first daily move of 20% or more",
    "a run of large moves": "a CUSUM on daily moves of 10% or more: fires on the third in a row",
    "price far above reference": "fires when the price passes 2x the reference",
}
"""The kill-switch signals a learner may choose: name -> what it does."""

_ONE_MOVE = 0.20
_RUN_MOVE = 0.10
_RUN_CUSUM = (0.05, 0.5, 5.0)  # p0, p1, h: nogo.CusumErrorRate, as fly_guardrails' default
_FAR_MULTIPLE = 2.0


def _cusum_steps() -> tuple[float, float]:
    p0, p1, _ = _RUN_CUSUM
    return float(np.log(p1 / p0)), float(np.log((1 - p1) / (1 - p0)))


def loop_month(
    *,
    reference_usd: float,
    cap_multiple: float | None,
    max_daily_change: float | None,
    kill_switch: str,
    jitter: np.ndarray,
    target: np.ndarray | None = None,
    missed: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """One month of your repricer under a setting, on every path at once.

    Parameters
    ----------
    reference_usd
        The reference price; day 0's price.
    cap_multiple, max_daily_change
        The bounds on your price (None: no bound).
    kill_switch
        A key of :data:`KILL_SWITCHES`.
    jitter
        ``(days + 1, 2, paths)`` multiplicative jitter on (your multiplier, theirs) each day; with
        ``target`` None the month is the loop, else only ``jitter[:, 0]`` is unused.
    target
        ``(days + 1, paths)``: the right price each day in an ordinary month (no loop), or None for the loop.
    missed
        ``(days + 1, paths)`` bool: where the analyst answering a page that day misjudges it (the loop looks
        fine) and mutes the switch for the rest of the month; None: never.

    Returns
    -------
    dict
        ``price`` (``(days + 1, paths)``, your price at the end of each day), ``pages`` (times the kill
        switch fired, per path), ``blocked`` (``(days + 1, paths)`` bool: more than 1% off the right price;
        ordinary month only, else all False).

    Examples
    --------
    No bound, no noise: your price in the loop grows by the pair's gain every day.

    >>> j = np.ones((3, 2, 1))
    >>> m = loop_month(reference_usd=100.0, cap_multiple=None, max_daily_change=None,
    ...                kill_switch="no kill switch", jitter=j)
    >>> m["price"][:, 0].round(2).tolist()
    [100.0, 126.84, 160.89]
    """
    days = jitter.shape[0] - 1
    paths = jitter.shape[2]
    cap = np.inf if cap_multiple is None else cap_multiple * reference_usd
    up, down = _cusum_steps()
    h = _RUN_CUSUM[2]
    price = np.empty((days + 1, paths))
    price[0] = reference_usd
    theirs = _MULTIPLIER_THEIRS * jitter[0, 1] * price[0]
    cusum = np.zeros(paths)
    frozen = np.zeros(paths, dtype=bool)  # the kill switch fired yesterday: a person answers today
    stopped = np.zeros(paths, dtype=bool)  # in the loop: the person stopped it, the price stays at reference
    pages = np.zeros(paths, dtype=np.int64)
    muted = np.zeros(paths, dtype=bool)  # an analyst judged an alarm false and silenced the switch
    loop = target is None
    for d in range(1, days + 1):
        prev = price[d - 1]
        want = _MULTIPLIER_YOURS * jitter[d, 0] * theirs if loop else target[d]
        new = want
        if max_daily_change is not None:
            new = np.clip(new, prev * (1 - max_daily_change), prev * (1 + max_daily_change))
        new = np.minimum(new, cap)
        # A person answers yesterday's page: the loop is stopped (reference price), or the right price is
        # restored after a false alarm; unless they misjudge it, mute the switch and let the price run on.
        wrong = frozen & (missed[d] if missed is not None else False)
        muted |= wrong
        caught = frozen & ~wrong
        restored = reference_usd if loop else target[d]
        new = np.where(caught, restored, new)
        if loop:
            new = np.where(stopped, reference_usd, new)
            stopped |= caught
        move = np.abs(new / prev - 1) + 1e-12  # a move clipped to exactly 10% counts as 10%
        if kill_switch == "one large move":
            alarm = move >= _ONE_MOVE
        elif kill_switch == "a run of large moves":
            cusum = np.maximum(0.0, cusum + np.where(move >= _RUN_MOVE, up, down))
            alarm = cusum >= h
        elif kill_switch == "price far above reference":
            alarm = new > _FAR_MULTIPLE * reference_usd
        else:
            alarm = np.zeros(paths, dtype=bool)
        alarm &= ~frozen & ~muted & ~stopped
        # The page comes in today: the price freezes at today's level until the person answers tomorrow.
        pages += alarm
        cusum = np.where(alarm | frozen, 0.0, cusum)
        frozen = alarm
        price[d] = new
        if loop:
            theirs = _MULTIPLIER_THEIRS * jitter[d, 1] * new
    blocked = np.zeros_like(price, dtype=bool)
    if not loop:
        blocked = np.abs(price / target - 1) > 0.01
    return {"price": price, "pages": pages, "blocked": blocked}


class LoopGuardrailTask(SignatureTask):
    """Choose the price cap, the daily rate limit and the kill-switch signal; watch the loop run.

    Parameters
    ----------
    reference_usd
        The reference price of a new copy (the case's ``reference_price_usd``, an assumption).
    noise_sd
        Lognormal jitter on each daily multiplier and on the right price's ordinary daily move.
    review_usd
        What one page costs: an analyst answering it.
    reviewer_miss_rate
        Chance the analyst answering a page misjudges it (the loop looks fine) and mutes the switch.
    missed_share
        Share of the title's stock value a day at an absurd price, or a repricing held back, forgoes.
    seed
        Seed of the month's draws (the same draws for every setting).
    days, n_paths
        The month's length and the simulated paths.
    question
        The question the drill asks (the case file's ``signature.question``).

    Examples
    --------
    >>> task = LoopGuardrailTask(reference_usd=100.0, noise_sd=0.05, review_usd=100.0, missed_share=0.02,
    ...                          reviewer_miss_rate=0.1, seed=1, n_paths=50)
    >>> [lever.name for lever in task.levers]
    ['cap_multiple', 'max_daily_change', 'kill_switch']
    >>> rate_only = task.evaluate(
    ...     {"cap_multiple": "no cap", "max_daily_change": "10% a day", "kill_switch": "no kill switch"}
    ... )
    >>> rate_only.metrics["peak price (x reference)"] > 10  # a rate limit alone never bounds the loop
    True
    >>> best, outcome = task.optimum()
    >>> best["cap_multiple"] != "no cap" and best["kill_switch"] != "no kill switch"
    True
    """

    question: ClassVar[str] = (
        "Where do you cap the price, how far may it move in a day, and what signal freezes it and pages you?"
    )
    STOCK_UNITS: ClassVar[int] = 50
    """Copies of the title in stock (illustrative): the stock's value is this times the reference price."""
    ABSURD_MULTIPLE: ClassVar[float] = 2.0
    """Above this multiple of the reference a price is absurd: nobody buys, buyers notice (illustrative)."""
    ABSURD_DAY_FACTOR: ClassVar[float] = 5.0
    """A day at an absurd price costs this many days of lost sales: the reputational part (illustrative)."""
    LARGE_MOVE_RATE: ClassVar[float] = 0.05
    """Chance a day brings a legitimate large move in the ordinary month (illustrative)."""
    LARGE_MOVE: ClassVar[float] = 0.30
    """Size of a legitimate large move, up or down (illustrative)."""

    def __init__(
        self,
        *,
        reference_usd: float,
        noise_sd: float,
        review_usd: float,
        missed_share: float,
        seed: int,
        reviewer_miss_rate: float = 0.0,
        days: int = 30,
        n_paths: int = 200,
        question: str | None = None,
    ) -> None:
        self.reference_usd = _scalar(
            "reference_usd", reference_usd, low=0.0, low_open=True, expected="a price > 0"
        )
        self.noise_sd = _scalar("noise_sd", noise_sd, low=0.0, expected="a log sd >= 0")
        self.review_usd = _scalar("review_usd", review_usd, low=0.0, expected="a cost >= 0")
        self.missed_share = _scalar("missed_share", missed_share, low=0.0, high=1.0, expected="a share")
        self.reviewer_miss_rate = _scalar(
            "reviewer_miss_rate", reviewer_miss_rate, low=0.0, high=1.0, expected="a share"
        )
        self.days = _count("days", days)
        self.n_paths = _count("n_paths", n_paths)
        if question:
            self.question = question  # type: ignore[misc]
        rng = as_rng(seed)
        shape = (self.days + 1, 2, self.n_paths)
        self.jitter = np.exp(self.noise_sd * rng.standard_normal(shape))
        ordinary = np.exp(self.noise_sd * rng.standard_normal((self.days + 1, self.n_paths)))
        jump = rng.random((self.days + 1, self.n_paths)) < self.LARGE_MOVE_RATE
        up = rng.random((self.days + 1, self.n_paths)) < 0.5
        ordinary *= np.where(jump, np.where(up, 1 + self.LARGE_MOVE, 1 - self.LARGE_MOVE), 1.0)
        ordinary[0] = 1.0
        self.target = self.reference_usd * np.cumprod(ordinary, axis=0)
        self.missed = rng.random((2, self.days + 1, self.n_paths)) < self.reviewer_miss_rate  # loop, ordinary
        self.levers = (
            Lever("cap_multiple", "price cap", tuple(CAPS),
                  help="your price never goes above this multiple of the reference price"),
            Lever("max_daily_change", "daily rate-of-change limit", tuple(RATE_LIMITS),
                  help="your price moves at most this much from one day to the next"),
            Lever("kill_switch", "kill-switch signal", tuple(KILL_SWITCHES),
                  help="what freezes your price and pages the owner: "
                  + "; ".join(f"{k}: {v}" for k, v in KILL_SWITCHES.items() if k != NO_SWITCH)),
        )  # fmt: skip
        self._cache: dict[tuple, SignatureOutcome] = {}

    @property
    def stock_usd(self) -> float:
        """The title's stock at the reference price, USD."""
        return self.STOCK_UNITS * self.reference_usd

    def months(self, choices: Mapping[str, Any]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The loop month and the ordinary month under a setting (see :func:`loop_month`)."""
        setting = self.check(choices)
        cap, rate = CAPS[setting["cap_multiple"]], RATE_LIMITS[setting["max_daily_change"]]
        common = dict(reference_usd=self.reference_usd, cap_multiple=cap, max_daily_change=rate,
                      kill_switch=setting["kill_switch"], jitter=self.jitter)  # fmt: skip
        return (
            loop_month(**common, missed=self.missed[0]),
            loop_month(**common, target=self.target, missed=self.missed[1]),
        )

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on both months: cost in USD per title and month, and what happened."""
        setting = self.check(choices)
        key = tuple(setting.values())
        if key in self._cache:
            return self._cache[key]
        loop, ordinary = self.months(setting)
        ref = self.reference_usd
        peak = loop["price"].max(axis=0)
        exposure = np.maximum(peak - ref, 0.0).mean()
        absurd = (loop["price"] > self.ABSURD_MULTIPLE * ref).sum(axis=0).mean()
        held_up = (np.abs(loop["price"] / ref - 1) > 0.01).sum(axis=0).mean()
        blocked = ordinary["blocked"].sum(axis=0).mean()
        pages = (loop["pages"] + ordinary["pages"]).mean()
        day_usd = self.missed_share * self.stock_usd
        parts = {
            "peak exposure": exposure,
            "days at an absurd price": absurd * self.ABSURD_DAY_FACTOR * day_usd,
            "days the loop held your price up": held_up * day_usd,
            "legitimate repricings blocked": blocked * day_usd,
            "pages": pages * self.review_usd,
        }
        cost = float(sum(parts.values()))
        final = float(np.median(loop["price"][-1]) / ref)
        metrics = {
            "peak price (x reference)": float(np.median(peak) / ref),
            "price after a month in the loop (x reference)": final,
            "days at an absurd price": float(absurd),
            "days the loop held your price up": float(held_up),
            "legitimate repricings blocked": float(blocked),
            "pages": float(pages),
            **{f"{name} (USD)": float(v) for name, v in parts.items()},
        }
        bounded = CAPS[setting["cap_multiple"]] is not None or (loop["pages"] > 0).mean() > 0.5
        story = (
            f"In the loop your price peaked at a median {np.median(peak) / ref:,.1f}x the reference and "
            f"spent {absurd:.1f} days above {self.ABSURD_MULTIPLE:g}x; in an ordinary month the bounds held "
            f"back {blocked:.1f} legitimate repricings; the kill switch paged {pages:.1f} times in all."
        )
        if not bounded:
            story += " Nothing bounded the loop: " + (
                "the daily limit only slowed it."
                if RATE_LIMITS[setting["max_daily_change"]] is not None
                else "it simply ran."
            )
        out = SignatureOutcome(cost_usd=cost, metrics=metrics, story=story)
        self._cache[key] = out
        return out
