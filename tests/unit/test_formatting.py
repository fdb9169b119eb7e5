"""Math-safe HTML and text, and the finder for dollar amounts JupyterLab would typeset as maths.

The finder follows what was measured in JupyterLab 4.6 (tests/browser/test_jupyterlab.py checks the
page itself): `\\$` pairs in one paragraph are still typeset, `mathjax_ignore` is honoured and
`tex2jax_ignore` alone is not, table cells and list items are separate strings.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nogo
from nogo.errors import InputError
from nogo.formatting import (
    MARKDOWN_CLOSE,
    MARKDOWN_OPEN,
    MATH_IGNORE_CLASSES,
    MISSING,
    UNITS,
    column_unit,
    format_bps,
    format_count,
    format_date,
    format_duration,
    format_frame,
    format_number,
    format_p_value,
    format_percent,
    format_timestamp,
    format_usd,
    html_dollars,
    looks_like_money,
    markdown_maths,
    math_safe_html,
    math_safe_text,
    style_frame,
)


def test_math_safe_html_wraps_in_both_ignore_classes_once():
    page = math_safe_html("<td>$200-$300</td>")
    assert page == '<div class="mathjax_ignore tex2jax_ignore"><td>$200-$300</td></div>'
    assert MATH_IGNORE_CLASSES.split() == ["mathjax_ignore", "tex2jax_ignore"]
    assert math_safe_html(page) == page  # idempotent
    # starts like a wrapper but is not one from end to end: wrapped again
    partial = '<div class="mathjax_ignore tex2jax_ignore">a</div><p>$1 and $2</p><div>b</div>'
    assert math_safe_html(partial) != partial and html_dollars(math_safe_html(partial)) == 0
    assert nogo.math_safe_html(page) == page and nogo.math_safe_text("$1") == math_safe_text("$1")


def test_math_safe_text_escapes_dollars_and_backslashes_for_mathjax():
    assert math_safe_text("cap above $50 and $100") == "cap above \\$50 and \\$100"
    assert math_safe_text("a \\ b $1") == "a \\\\ b \\$1"
    assert math_safe_text("no money") == "no money"


@pytest.mark.parametrize(
    ("source", "maths"),
    [
        ("costs $100 and $200 each", ["100 and "]),
        ("costs \\$100 and \\$200 each", ["100 and "]),  # jupyterlab#8645: \$ is not enough
        ("**The $200-$300 extra** per borrower", ["200-"]),
        ("- \\$100 in one item\n- \\$200 in the next", []),  # separate list items
        ("| a | b |\n|---|---|\n| \\$1,234 | \\$5,678 |", []),  # separate cells
        ("| a |\n|---|\n| \\$200-\\$300 |", ["200-"]),  # one cell
        ("costs **\\$100** and **\\$200**", []),  # each in its own element
        ("costs \\\\$100 and \\\\$200", []),  # \\$ leaves \$ for MathJax's escapes
        ("a single $5 fee", []),
        ("costs `$100` and `$200`", []),
        ("```\nx = $1 + $2\n```", []),
        ("pays \\$200 a month at rate $r$", ["200 a month at rate "]),
        ("balance $L$ at rate $r$: $L\\,r / (1 - (1+r)^{-n})$", ["L", "r", "L\\,r / (1 - (1+r)^{-n})"]),
        (MARKDOWN_OPEN + "costs \\$100 and \\$200\n\n- \\$1 and \\$2" + MARKDOWN_CLOSE, []),
        ('<div class="mathjax_ignore">\n\ncosts \\$100 and \\$200\n\n</div>', []),
        ('<div class="tex2jax_ignore">\n\ncosts \\$100 and \\$200\n\n</div>', ["100 and "]),  # not honoured
        ("first paragraph $100\n\nsecond paragraph $200", []),
    ],
)
def test_markdown_maths_is_what_jupyterlab_typesets(source, maths):
    assert markdown_maths(source) == maths


def test_html_dollars_counts_what_mathjax_could_read():
    table = "<table><tr><td>$1,234</td><td>$5,678</td></tr></table>"
    assert html_dollars(table) == 2
    assert html_dollars(math_safe_html(table)) == 0
    assert html_dollars(f'<div class="tex2jax_ignore">{table}</div>') == 2  # MathJax 3 ignores this class
    assert html_dollars("<p>\\$1 and \\$2</p><code>$x$</code><style>a{content:'$$'}</style>") == 0
    assert html_dollars("<p>one $5</p>") == 1
    page = '<div class="mathjax_ignore"><p>$1</p><span class="mathjax_process">$2 $3</span></div>'
    assert html_dollars(page) == 2  # mathjax_process turns typesetting back on


def test_looks_like_money():
    assert looks_like_money("200-") and looks_like_money("1,730,045.91 (F1, F2). The")
    assert looks_like_money(" 5 and ") and looks_like_money(".5 of")
    assert not looks_like_money("L") and not looks_like_money("L\\,r / (1 - (1+r)^{-n})")


# --- numbers people read -----------------------------------------------------------------------------

SCIENTIFIC = re.compile(r"\d[eE][-+]?\d")
FINITE = st.floats(allow_nan=False, allow_infinity=False)
NUMBER_FORMATS = [
    format_usd, lambda x: format_usd(x, compact=True), lambda x: format_usd(x, escape=True), format_bps,
    format_percent, format_count, format_number, format_duration,
]  # fmt: skip


def _usd_back(text: str) -> float:
    """The amount a formatted dollar string stands for, read independently of the formatter."""
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("-").removeprefix("\\").removeprefix("$").replace(",", "")
    scale = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}.get(body[-1:], 1.0)
    return sign * float(body.rstrip("KMBT")) * scale


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, np.float64("nan")])
def test_every_format_reads_a_missing_value_as_an_em_dash(missing):
    assert MISSING == "\u2014"
    for fmt in [*NUMBER_FORMATS, format_timestamp, format_date]:
        assert fmt(missing) == MISSING
    assert format_p_value(missing) == f"p = {MISSING}"
    assert format_timestamp(pd.NaT) == format_date(pd.NaT) == MISSING


def test_infinity_negatives_and_zero():
    inf = float("inf")
    assert (format_usd(inf), format_usd(-inf), format_usd(-inf, compact=True)) == ("$∞", "-$∞", "-$∞")
    assert (format_count(-inf), format_number(inf), format_percent(inf), format_bps(-inf)) == (
        "-∞", "∞", "∞%", "-∞ bps",
    )  # fmt: skip
    assert (format_usd(0), format_usd(-0.0), format_usd(-0.004), format_usd(-0.4, compact=True)) == (
        "$0.00", "$0.00", "$0.00", "-$0.40",
    )  # fmt: skip
    assert format_usd(-0.001, compact=True) == "$0.00"  # no "-$0.00": a sign only on what shows
    assert (format_percent(0), format_percent(-0.0), format_count(-0.4), format_number(-0.0)) == (
        "0%", "0%", "0", "0",
    )  # fmt: skip
    assert (format_usd(-1_234_567), format_usd(-1_234_567, compact=True)) == ("-$1,234,567", "-$1.2M")


@pytest.mark.parametrize(
    ("amount", "compact"),
    [
        (950, "$950"), (-40, "-$40"), (1_234_567, "$1.2M"), (23_698_655.93, "$23.7M"), (1_000, "$1K"),
        (999.6, "$1K"), (999_960, "$1M"), (99_960, "$100K"), (123_456, "$123K"), (9.45, "$9.45"),
        (5, "$5"), (2.5e9, "$2.5B"), (7e12, "$7T"), (1e18, "$1,000,000T"), (3.6653e-161, "$0.00"),
    ],
)  # fmt: skip
def test_compact_currency(amount, compact):
    assert format_usd(amount, compact=True) == compact


@settings(max_examples=300, deadline=None)
@given(FINITE.filter(lambda x: abs(x) < 1e15))
def test_currency_reads_back_to_the_amount(x):
    full, compact = format_usd(x), format_usd(x, compact=True)
    assert abs(_usd_back(full) - x) <= (0.5 if abs(x) >= 100 else 0.005) + 1e-9 * abs(x)
    error = abs(_usd_back(compact) - x)
    assert error <= max(0.005, 0.5 if abs(x) >= 10 else 0, 0.05 * abs(x)) + 1e-9  # within 5%: one decimal
    assert format_usd(x, escape=True) == full.replace("$", "\\$")


@settings(max_examples=400, deadline=None)
@given(st.floats(allow_nan=False))
def test_no_scientific_notation_ever(x):
    for fmt in NUMBER_FORMATS:
        assert not SCIENTIFIC.search(fmt(x)), (fmt, x)
    if 0 <= x <= 1:
        assert not SCIENTIFIC.search(format_p_value(x))


@pytest.mark.parametrize("x", [1e300, -1e300, 5e-324, -5e-324, 1e-7, 123456789012345678.0, 2**63])
def test_very_large_and_very_small_values_read_plainly(x):
    for fmt in NUMBER_FORMATS:
        text = fmt(x)
        assert not SCIENTIFIC.search(text) and "nan" not in text.lower(), (fmt, x, text)
    assert len(format_count(1e300).replace(",", "")) == 301 and format_usd(-1e300).startswith(
        "-$1,000,000,000"
    )
    assert format_number(5e-324) == "<0.000001" and format_number(-1e-7) == ">-0.000001"


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=0, max_value=1))
def test_percent_never_reads_as_a_bound_it_is_not(share):
    text = format_percent(share)
    if 0 < share:
        assert text not in ("0%", "0.0%", "0.00%")
    if share < 1:
        assert not re.fullmatch(r"100(\.0+)?%", text)
    if "<" not in text and ">" not in text:
        shown = float(text.rstrip("%"))
        places = len(text.rstrip("%").partition(".")[2])
        assert abs(shown - 100 * share) <= 0.5 * 10**-places + 1e-9


def test_percent_decimals():
    assert [format_percent(x) for x in (0.25, 1 / 3, 0.996, 0.0033, 0.05, 1.0)] == [
        "25%", "33%", "99.6%", "0.3%", "5%", "100%",
    ]  # fmt: skip
    assert format_percent(1 / 3, decimals=2) == "33.33%" and format_percent(0.12345, decimals=0) == "12%"
    with pytest.raises(InputError, match="decimals: expected a whole number from 0 to 12"):
        format_percent(0.5, decimals=-1)


@pytest.mark.parametrize(
    ("p", "text"),
    [
        (3.6653e-161, "p < 0.001"), (0.0, "p < 0.001"), (0.000999, "p < 0.001"), (0.001, "p = 0.001"),
        (0.0042, "p = 0.004"), (0.03, "p = 0.03"), (0.0312, "p = 0.03"), (0.0496, "p = 0.050"),
        (0.05, "p = 0.05"), (0.5, "p = 0.50"), (1.0, "p = 1.00"),
    ],
)  # fmt: skip
def test_p_values(p, text):
    assert format_p_value(p) == text


def test_p_values_refuse_what_is_not_a_probability():
    for bad in (1.5, -0.1, float("inf")):
        with pytest.raises(InputError, match=r"^p: expected a probability in \[0, 1\]"):
            format_p_value(bad)
    with pytest.raises(InputError, match=r"p: expected a number, got '0\.03'"):
        format_p_value("0.03")
    assert format_p_value(0.004, below=0.01) == "p < 0.01"


def test_counts_bps_and_numbers():
    assert (format_count(12345), format_count(12345.6), format_count(np.int64(-7))) == (
        "12,345",
        "12,346",
        "-7",
    )
    assert [format_bps(x) for x in (12.4, 1, 0.5, 1250, -3, -1)] == [
        "12 bps", "1 bp", "0.50 bps", "1,250 bps", "-3.0 bps", "-1.0 bps",
    ]  # fmt: skip
    assert [format_number(x) for x in (6738859.25, 3.14159, 0.000123456, -2.5, 100.0, 1 / 3)] == [
        "6,738,859", "3.14", "0.000123", "-2.5", "100", "0.333",
    ]  # fmt: skip
    for bad in ("12", True, [1, 2], b"1"):
        with pytest.raises(InputError, match="expected a number"):
            format_count(bad)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"), (0.04, "0 s"), (9.5, "9.5 s"), (42, "42 s"), (59.96, "1 min 00 s"), (245, "4 min 05 s"),
        (599.4, "9 min 59 s"), (1500, "25 min"), (3599, "1 h 00 min"), (7500, "2 h 05 min"),
        (47 * 3600, "47 h 00 min"), (5 * 86400, "5.0 days"), (-30, "-30 s"), (-7500, "-2 h 05 min"),
    ],
)  # fmt: skip
def test_durations(seconds, text):
    assert format_duration(seconds) == text


def test_timestamps_to_the_second_and_dates_to_the_day():
    t = datetime(2026, 11, 2, 10, 0, 5, 987654, tzinfo=timezone(timedelta(hours=1)))
    assert format_timestamp(t) == "2026-11-02 09:00:05 UTC"  # cut, not rounded up to :06
    assert format_timestamp(t, utc=False) == "2026-11-02 10:00:05 +01:00"
    assert format_timestamp(datetime(2026, 11, 2, 9, 0, 0, 999999)) == "2026-11-02 09:00:00"  # naive: no zone
    assert format_timestamp(pd.Timestamp("2026-11-02 09:00:00.123456", tz="UTC")) == "2026-11-02 09:00:00 UTC"
    assert format_timestamp(np.datetime64("2026-11-02T09:00:00.123456")) == "2026-11-02 09:00:00"
    assert format_timestamp("2026-11-02T09:00:00.5Z") == "2026-11-02 09:00:00 UTC"
    assert format_timestamp(date(2026, 11, 2)) == "2026-11-02"
    assert format_date(datetime(2026, 11, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5)))) == "2026-11-03"
    assert (
        format_date(datetime(2026, 11, 2, 23, 30, tzinfo=timezone(timedelta(hours=-5))), utc=False)
        == "2026-11-02"
    )
    with pytest.raises(InputError, match="value: expected a date or datetime"):
        format_timestamp("yesterday")


def test_column_units_from_names_and_types():
    assert {c: column_unit(c) for c in ["cost_usd", "spread_bps", "act_rate", "share", "accuracy",
                                         "p_value", "pvalue", "wait_minutes", "time_taken_seconds"]} == {
        "cost_usd": "usd", "spread_bps": "bps", "act_rate": "percent", "share": "percent",
        "accuracy": "percent", "p_value": "p_value", "pvalue": "p_value", "wait_minutes": "minutes",
        "time_taken_seconds": "seconds",
    }  # fmt: skip
    assert column_unit("rated") == "text" and column_unit("shared_usd") == "usd"
    assert column_unit("n", "Int64") == "count" and column_unit("correct", "bool") == "text"
    assert set(UNITS) >= {"usd", "bps", "percent", "p_value", "count", "number", "timestamp", "date"}


def test_format_frame_reads_like_a_person_would_write_it():
    t = pd.to_datetime(["2026-11-02 09:00:00.123456", None], utc=True)
    df = pd.DataFrame({
        "learner": ["李雷", None], "attempts": [12345, 3], "accuracy": [1 / 3, np.nan],
        "mean_regret_usd": [6738859.25, -40.0], "p_value": [3.6653e-161, 0.03],
        "wait_minutes": [4.5, 90.0], "score": [1e-9, 2.5e10], "last_practised": t,
    }, index=["a", "b"])  # fmt: skip
    out = format_frame(df)
    assert out.index.tolist() == ["a", "b"] and list(out.columns) == list(df.columns)
    assert out.loc["a"].tolist() == [
        "李雷", "12,345", "33%", "$6,738,859", "p < 0.001", "4 min 30 s", "<0.000001", "2026-11-02 09:00:00 UTC",
    ]  # fmt: skip
    assert out.loc["b"].tolist() == [
        MISSING,
        "3",
        MISSING,
        "-$40.00",
        "p = 0.03",
        "1 h 30 min",
        "25,000,000,000",
        MISSING,
    ]
    assert format_frame(df, compact=True).loc["a", "mean_regret_usd"] == "$6.7M"
    text = format_frame(df).to_string()
    assert not SCIENTIFIC.search(text) and ".123456" not in text
    custom = format_frame(df, {"score": "percent", "attempts": lambda n: f"{n} tries"})
    assert (
        custom["score"].tolist() == ["<0.0001%", "2,500,000,000,000%"]
        and custom.loc["b", "attempts"] == "3 tries"
    )
    assert df["attempts"].tolist() == [12345, 3]  # the frame itself is left alone


def test_format_frame_refuses_what_it_cannot_use():
    df = pd.DataFrame({"cost_usd": [1.0]})
    with pytest.raises(InputError, match="formats: no column 'nope' in the frame; it has cost_usd"):
        format_frame(df, {"nope": "usd"})
    with pytest.raises(InputError, match=r"formats\['cost_usd'\]: expected a function or one of usd, "):
        format_frame(df, {"cost_usd": "euros"})
    with pytest.raises(InputError, match="frame: expected a pandas DataFrame, got dict"):
        format_frame({"cost_usd": [1.0]})


def test_style_frame_keeps_numbers_and_is_safe_from_maths():
    df = pd.DataFrame({"cost_usd": [1200.0, 35.5], "share": [0.5, 0.25]})
    styler = style_frame(df)
    html = styler.to_html()
    assert "$1,200" in html and "$35.50" in html and "50%" in html
    assert (
        html_dollars(html) == 0
        and html_dollars(df.to_html().replace("1200.0", "$1,200").replace("35.5", "$35.50")) == 2
    )
    assert styler.data is df or styler.data.equals(df)  # still numbers underneath


def test_the_formatting_layer_imports_nothing_above_the_foundation():
    import ast
    from pathlib import Path

    import nogo.formatting as package

    for path in Path(package.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nogo"):
                assert node.module.split(".")[1] in {"errors", "_validate", "formatting"}, (path, node.module)
