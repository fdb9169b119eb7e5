"""Session report: escaping, offline-safety, CSV injection, numbers against an independent pandas pass."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pandas as pd
import pytest

from nogo.app.report import (
    CSV_FORMULA_PREFIXES,
    ReportNameWarning,
    neutralise_csv_cell,
    report_file_stem,
    session_report,
    session_summary,
)
from nogo.errors import InputError
from nogo.practice.progress import ProgressStore
from tests.conftest import project

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULA = "=cmd|' /C calc'!A0"
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 3, 12, 30, tzinfo=UTC)
LEARNER = f"Ana {SCRIPT}"


def _fill(store: ProgressStore) -> None:
    rows = [  # drill, item, choice, cost, optimal choice, optimal cost, seconds
        ("stream", "decision-1", "act", 120.0, "escalate", 15.0, 9.5),
        ("stream", IMG, "escalate", 15.0, "escalate", 15.0, 4.0),
        ("stream", "decision-3", FORMULA, 40.0, "decline", 0.0, 7.25),
        ("stream", "decision-4", "decline", 0.0, "act", 5.0, 3.0),  # cheaper than optimal: negative regret
        ("policy", "policy", "+threshold 0.9", 1500.0, "threshold 0.7", 900.0, 60.0),
        ("launch", "launch call", SCRIPT, 0.0, "ship with guardrails", 0.0, 120.0),
    ]
    for k, (drill, item, choice, cost, opt, opt_cost, secs) in enumerate(rows):
        store.record_attempt(
            learner=LEARNER, case_id="loan-steering", variant_seed=7, drill=drill, item=item, choice=choice,
            cost_usd=cost, optimal_choice=opt, optimal_cost_usd=opt_cost, time_taken_seconds=secs,
            timestamp=T0 + timedelta(minutes=k), session_id="s1",
        )  # fmt: skip
    # another variant and another learner: must not leak into the report
    store.record_attempt(
        learner=LEARNER, case_id="loan-steering", variant_seed=8, drill="stream", item="decision-1",
        choice="act", cost_usd=999.0, optimal_choice="act", optimal_cost_usd=999.0, time_taken_seconds=1.0,
        timestamp=T0, session_id="s2",
    )  # fmt: skip
    store.record_attempt(
        learner="bo", case_id="loan-steering", variant_seed=7, drill="stream", item="decision-1",
        choice="act", cost_usd=777.0, optimal_choice="act", optimal_cost_usd=777.0, time_taken_seconds=1.0,
        timestamp=T0,
    )  # fmt: skip
    marks = [
        ("threshold_definition", 1, SCRIPT, "coach"),
        ("failure_mode_prioritisation", 2, IMG, f"coach {SCRIPT}"),
        ("escalation_design", 3, FORMULA, "coach"),
        ("incentive_alignment", 0, "", "self"),
    ]
    for k, (dim, score, comment, by) in enumerate(marks):
        store.record_rubric(
            LEARNER, "loan-steering", 7, dim, score, 3, comment, by, session_id="s1",
            timestamp=T0 + timedelta(hours=1, minutes=k),
        )  # fmt: skip


@pytest.fixture
def report(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    _fill(store)
    paths = session_report(
        store, learner=LEARNER, case_id="loan-steering", variant_seed=7, out_dir=tmp_path / "reports", now=NOW
    )
    return store, paths


class _Cells(HTMLParser):
    """Collect the text of every cell of the table with a given id (stdlib parser, independent of ours)."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.rows, self.cell = table_id, False, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.inside = dict(attrs).get("id") == self.table_id
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table":
            self.inside = False
        elif self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


class _Tags(HTMLParser):
    """Every real tag and its attributes (text that only looks like a tag is data, not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, attrs))


def _table(page: str, table_id: str) -> pd.DataFrame:
    parser = _Cells(table_id)
    parser.feed(page)
    header, *rows = parser.rows
    return pd.DataFrame(rows, columns=header)


def _usd(text: str) -> float:
    """A dollar amount as shown ("$1,234.50", "-$40.00") read back, written apart from the formatter."""
    assert re.fullmatch(r"-?\$[\d,]+\.\d\d", text), text
    return float(text.replace("$", "").replace(",", ""))


def _seconds(text: str) -> float:
    """A duration as shown ("9.5 s", "4 min 05 s", "2 h 05 min") read back in seconds."""
    units = {"h": 3600, "min": 60, "s": 1}
    parts = re.findall(r"([\d.]+) (h|min|s)\b", text)
    assert parts and " ".join(f"{n} {u}" for n, u in parts) == text, text
    return sum(float(n) * units[u] for n, u in parts)


def test_files_are_named_and_placed(report, tmp_path):
    _, paths = report
    tag = hashlib.sha256(LEARNER.encode("utf-8")).hexdigest()[:8]
    stem = f"ana-script-alert-1-script-{tag}-loan-steering-7-20261103T123000Z"
    assert paths.html_path == tmp_path / "reports" / f"{stem}.html"
    assert paths.csv_path == tmp_path / "reports" / f"{stem}.csv"
    assert report_file_stem("../../etc", "x", 1, NOW).startswith("etc-")  # no path traversal


HOSTILE = ["..", ".", "...", "李雷", "王芳", "Ana", "ana", "/", "\\", "-", ".ana", "💥", "x" * 100,
           "x" * 99 + "y", "e\u0301", "\u00e9", "Ana <b>", "Ana <i>", "a/b", "a-b"]  # fmt: skip


def test_report_file_stem_is_unique_per_learner_and_safe():
    """Issue 16, item 1: "..", ".", "李雷" and "王芳" once shared one report name."""
    stems = {n: report_file_stem(n, "loan-steering", 7, NOW) for n in HOSTILE}
    assert len(set(stems.values())) == len(HOSTILE)
    for learner, stem in stems.items():
        tag = hashlib.sha256(learner.encode("utf-8")).hexdigest()[:8]
        assert re.fullmatch(rf"[a-z0-9][a-z0-9-]*-{tag}-loan-steering-7-20261103T123000Z", stem), stem
        assert len(stem) <= 100 and not stem.startswith(".")
    assert stems["Ana <b>"].startswith("ana-b-") and stems["李雷"].startswith("learner-")


def test_a_same_time_report_never_overwrites_an_earlier_one(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    _fill(store)
    out = tmp_path / "reports"
    first = session_report(store, learner=LEARNER, session_id="s1", out_dir=out, now=NOW)
    assert first.taken is None
    first_html, first_csv = first.html_path.read_bytes(), first.csv_path.read_bytes()
    with pytest.warns(ReportNameWarning, match="already exists") as warned:
        second = session_report(store, learner=LEARNER, session_id="s2", out_dir=out, now=NOW)
    assert first.html_path.name in str(warned[0].message) and second.html_path.name in str(warned[0].message)
    assert second.html_path.name == first.html_path.name.replace(".html", "-2.html")
    assert second.csv_path.name == first.csv_path.name.replace(".csv", "-2.csv")
    assert second.taken == first.html_path
    assert first.html_path.read_bytes() == first_html and first.csv_path.read_bytes() == first_csv  # kept
    assert len(pd.read_csv(second.csv_path)) == 1  # session s2's one attempt
    # a lone leftover CSV also claims the name: the pair stays together
    (out / f"{first.html_path.stem}-3.csv").write_text("someone else's")
    with pytest.warns(ReportNameWarning):
        fourth = session_report(store, learner=LEARNER, session_id="s1", out_dir=out, now=NOW)
    assert fourth.html_path.stem == fourth.csv_path.stem == first.html_path.stem + "-4"
    # two learners once shared a name: now they never meet
    for name in ("李雷", "王芳"):
        store.record_attempt(
            learner=name, case_id="loan-steering", variant_seed=7, drill="stream", item="decision-1",
            choice="act", cost_usd=1.0, optimal_choice="act", optimal_cost_usd=1.0, time_taken_seconds=1.0,
        )  # fmt: skip
    a = session_report(store, learner="李雷", out_dir=out, now=NOW)
    b = session_report(store, learner="王芳", out_dir=out, now=NOW)
    assert a.html_path != b.html_path and a.taken is None and b.taken is None


def test_html_is_inert_and_offline(report):
    page = report[1].html_path.read_text()
    assert "<script" not in page.lower()
    assert not re.search(r"<img\b", page, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    tags = _Tags()
    tags.feed(page)
    fetching = {"script", "img", "link", "iframe", "object", "embed", "image", "use"}
    assert not fetching & {t for t, _ in tags.seen}
    attrs = {name for _, attrs in tags.seen for name, _ in attrs}
    assert not attrs & {"src", "href", "xlink:href", "srcset", "action"}  # no attribute that fetches, at all
    assert not any(name.startswith("on") for name in attrs)  # no event handler
    assert not re.search(r"@import|url\(", page, re.I)
    assert "<svg" in page and page.count("<svg") == 2  # regret per drill, rubric (no confidence stated)
    # the payloads are there, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page
    # the header names the case by its title from the casebook
    assert html.escape(project().case("loan-steering").title) in page
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        assert "alert" not in svg and "Ana" not in svg  # no typed text reaches the charts


def test_csv_round_trips_with_injection_neutralised(report):
    store, paths = report
    csv = pd.read_csv(paths.csv_path, keep_default_na=False)
    assert len(csv) == 6 and set(csv["variant_seed"]) == {7} and set(csv["learner"]) == {LEARNER}
    text = csv.select_dtypes(include=["object", "str"])
    starts = text.apply(lambda col: col.str.startswith(CSV_FORMULA_PREFIXES)).to_numpy()
    assert not starts.any(), "a text cell still starts with a formula character"
    assert "'" + FORMULA in csv["choice"].tolist()
    assert "'+threshold 0.9" in csv["choice"].tolist()
    # stripping the documented quote gives back exactly what was typed
    stored = store.attempts(learner=LEARNER).query("variant_seed == 7").reset_index(drop=True)
    unquoted = csv["choice"].str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
    assert unquoted.tolist() == stored["choice"].tolist()
    assert csv["item"].tolist() == stored["item"].tolist()
    assert (csv["regret_usd"] < 0).any()  # numbers stay numbers (a negative regret is not quoted)


def test_summary_matches_independent_pandas(report):
    _, paths = report
    csv = pd.read_csv(paths.csv_path, keep_default_na=False)
    shown = _table(paths.html_path.read_text(), "summary").set_index("drill")
    for drill, group in [*csv.groupby("drill"), ("total", csv)]:
        row = shown.loc[drill]
        assert int(row["attempts"]) == len(group)
        assert int(row["correct"]) == int(group["correct"].sum())
        assert float(row["accuracy"].rstrip("%")) == pytest.approx(100 * group["correct"].mean(), abs=0.05)
        assert _usd(row["cost_usd"]) == pytest.approx(group["cost_usd"].sum(), abs=0.005)
        assert _usd(row["optimal_cost_usd"]) == pytest.approx(group["optimal_cost_usd"].sum(), abs=0.005)
        regret = (group["cost_usd"] - group["optimal_cost_usd"]).clip(lower=0).sum()  # luck counts 0
        assert _usd(row["regret_usd"]) == pytest.approx(regret, abs=0.005)
        total = group["time_taken_seconds"].sum()  # shown to the second (to 0.1 s below 10 s)
        assert _seconds(row["time_taken_seconds"]) == pytest.approx(total, abs=0.05 if total < 10 else 0.5)
    assert list(shown.index) == ["stream", "policy", "launch", "total"]
    # stream by hand: 1 of 4 optimal; cost 175 vs 35; regret 105 + 0 + 40 + 0 (the lucky -5 counts 0)
    assert shown.loc["stream", "regret_usd"] == "$145.00" == shown.loc["stream", "regret"]
    assert (
        shown.loc["launch", "regret"] == "100% of points missed"
        and shown.loc["total", "regret"] == ""
    )
    assert not re.search(r"\d[eE][-+]?\d", report[1].html_path.read_text().split("<h2>Charts</h2>")[0])


def test_every_attempt_and_mark_is_listed(report):
    page = report[1].html_path.read_text()
    attempts = _table(page, "attempts")
    assert len(attempts) == 6
    assert attempts["choice"].tolist()[-1] == SCRIPT  # parsed text: the escaped payload reads back verbatim
    rubric = _table(page, "rubric")
    assert rubric["dimension"].tolist() == [
        "threshold definition", "failure mode prioritisation", "escalation design", "incentive alignment",
    ]  # fmt: skip
    assert rubric["comment"].tolist()[:3] == [SCRIPT, IMG, FORMULA]
    assert rubric["marked_by"].tolist()[1] == f"coach {SCRIPT}"
    assert rubric["score"].tolist() == ["1", "2", "3", "0"] and set(rubric["scale_max"]) == {"3"}


def test_report_is_deterministic_given_now(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    _fill(store)
    a = session_report(store, learner=LEARNER, session_id="s1", out_dir=tmp_path / "a", now=NOW)
    b = session_report(store, learner=LEARNER, session_id="s1", out_dir=tmp_path / "b", now=NOW)
    assert a.html_path.name == b.html_path.name
    assert a.html_path.read_bytes() == b.html_path.read_bytes()
    assert a.csv_path.read_bytes() == b.csv_path.read_bytes()
    assert len(pd.read_csv(a.csv_path)) == 6  # session s1 only


def test_session_summary_by_hand():
    log = pd.DataFrame({
        "drill": ["launch", "stream", "stream", "stream"], "choice": ["no-go", "act", "act", "decline"],
        "optimal_choice": ["no-go", "act", "decline", "decline"], "cost_usd": [0.0, 1.0, 10.0, 0.0],
        "optimal_cost_usd": [0.0, 1.0, 0.0, 0.0], "time_taken_seconds": [30.0, 1.0, 2.0, 3.0],
    })  # fmt: skip
    s = session_summary(log).set_index("drill")
    assert list(s.index) == ["stream", "launch", "total"]
    assert s.loc["stream", "accuracy"] == pytest.approx(2 / 3)
    assert s.loc["total", "regret_usd"] == 10.0 and s.loc["total", "time_taken_seconds"] == 36.0
    assert s.loc["stream", "regret"] == 10.0 and s.loc["launch", "regret"] == 0.0
    assert (s.loc["stream", "unit"], s.loc["launch", "unit"]) == ("USD", "share of points missed")


def test_empty_session_is_a_clear_error(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    with pytest.raises(InputError, match=r"learner: no attempts and no rubric marks for 'ana'"):
        session_report(store, learner="ana", out_dir=tmp_path, now=NOW)
    _fill(store)
    with pytest.raises(InputError, match=r"variant_seed=99"):
        session_report(store, learner=LEARNER, variant_seed=99, out_dir=tmp_path, now=NOW)
    assert not list(tmp_path.glob("*.html"))


def test_bad_arguments(tmp_path):
    store = ProgressStore(":memory:")
    with pytest.raises(InputError, match="learner: expected a non-empty name"):
        session_report(store, learner=" ", out_dir=tmp_path)
    with pytest.raises(InputError, match="now: expected a timezone-aware datetime"):
        session_report(store, learner="ana", out_dir=tmp_path, now=datetime(2026, 1, 1))


def test_marks_only_session_and_unknown_case_title(tmp_path):
    store = ProgressStore(":memory:")
    store.record_rubric("ana", "no-such-case", 3, "escalation_design", 2, 3, "named owner", timestamp=T0)
    paths = session_report(store, learner="ana", case_id="no-such-case", out_dir=tmp_path, now=NOW)
    page = paths.html_path.read_text()
    assert "No drill attempts" in page and "no-such-case" in page and page.count("<svg") == 1
    assert pd.read_csv(paths.csv_path).empty


@pytest.mark.parametrize("cell", ["=1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_neutralise_prefixes_formula_cells(cell):
    assert neutralise_csv_cell(cell) == "'" + cell
    assert neutralise_csv_cell("a" + cell) == "a" + cell


def test_the_report_shows_the_justification_each_drill_on_its_own_scale_and_calibration(tmp_path):
    """Issue 14, item 8: the written justification (escaped), regret never negative and each drill on
    its own scale, and a calibration curve when calls were committed with a confidence."""
    store = ProgressStore(tmp_path / "p.sqlite3")
    common = dict(learner="ana", case_id="loan-steering", variant_seed=7, time_taken_seconds=10.0)
    for k, (call, confidence) in enumerate([("ship", 0.9), ("no-go", 0.6)]):
        store.record_attempt(
            **common, drill="commit", item="launch call", choice=call, optimal_choice="no-go", cost_usd=0.0,
            optimal_cost_usd=0.0, confidence=confidence, timestamp=T0 + timedelta(minutes=k),
            justification=f"because {SCRIPT}" if k == 0 else None,
        )  # fmt: skip
    store.record_attempt(
        **common, drill="premortem", item="failure modes", choice="b > a > c", optimal_choice="a > b > c",
        cost_usd=0.0, optimal_cost_usd=0.0, score=0.5, timestamp=T0 + timedelta(minutes=5),
    )  # fmt: skip
    store.record_attempt(
        **common, drill="policy", item="policy", choice="t=0.9", optimal_choice="t=0.7", cost_usd=2.5e6,
        optimal_cost_usd=1e6, timestamp=T0 + timedelta(minutes=6),
    )  # fmt: skip
    store.record_attempt(
        **common, drill="stream", item="d1", choice="act", optimal_choice="escalate", cost_usd=0.0,
        optimal_cost_usd=40.0, timestamp=T0 + timedelta(minutes=7),
    )  # fmt: skip
    paths = session_report(store, learner="ana", out_dir=tmp_path / "r", now=NOW)
    page = paths.html_path.read_text()
    written = _table(page, "justifications")
    assert written[["drill", "choice", "justification"]].values.tolist() == [
        ["commit", "ship", f"because {SCRIPT}"]
    ]
    assert "because &lt;script&gt;" in page and "<script" not in page.lower()
    shown = _table(page, "summary").set_index("drill")
    assert list(shown.index) == ["commit", "stream", "policy", "premortem", "total"]
    assert shown.loc["commit", "regret"] == "1 wrong call"
    assert shown.loc["premortem", "regret"] == "0.50 (1 - rank correlation)"
    assert shown.loc["policy", "regret"] == "$1,500,000.00" and shown.loc["stream", "regret"] == "$0.00"
    attempts = _table(page, "attempts")
    assert not attempts["regret_usd"].str.startswith("-").any()  # the lucky stream answer shows $0.00
    assert attempts["confidence"].tolist() == ["90%", "60%", "", "", ""]
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 2  # regret per drill, calibration (no rubric marks)
    assert "stated confidence" in svgs[1] and "cumulative regret (1 - rank correlation)" in svgs[0]
    assert "cumulative regret (USD)" in svgs[0] and "alert" not in "".join(svgs)
    csv = pd.read_csv(paths.csv_path)
    assert csv["confidence"].tolist()[:2] == [0.9, 0.6] and csv["score"].tolist()[2] == 0.5
    assert csv["justification"].tolist()[0] == f"because {SCRIPT}"
