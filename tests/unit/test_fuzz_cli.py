"""Fuzz corpus of bad command lines and hostile names (issue 16, items 2 and 7).

Every line must fail before any work starts, with a one-line message naming what is wrong, no
traceback, and nothing written outside the throwaway project (``project`` fixture, tests/unit/conftest.py).
Run as a script (``python tests/unit/test_fuzz_cli.py``) it prints the counts: tried, clear error,
traceback, hang, accepted silently.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from nogo.app.cli import main

HOSTILE_NAMES = [
    "../../../some/dir/evil",
    "../casebook/demo",
    "/etc/passwd",
    "demo/../../x",
    "..",
    ".",
    "",
    "demo\x00",
    "Demo",
    "dé-mo",
    "李雷",
    "demo;rm -rf ~",
    "$(touch pwned)",
    "`id`",
    "demo name",
    "demo.ipynb",
    "demo.yaml",
    "-demo",
    "demo-",
    "a" * 300,
    "~/demo",
    "C:\\demo",
    "demo\\..\\..",
    "%2e%2e%2fdemo",
]

# (command line, a fragment the one-line message must contain)
LINES: list[tuple[list[str], str]] = [
    *[
        (["run", name], "No such option" if name.startswith("-") else "not a notebook name")
        for name in HOSTILE_NAMES
        if name
    ],
    *[
        (["variant", name, "--seed", "1"], "No such option" if name.startswith("-") else "not a case id")
        for name in HOSTILE_NAMES
    ],
    (["refresh", "../../../some/dir/evil"], "not a notebook name"),
    (["data", "../casebook/demo"], "not a case id"),
    (["coach", "../casebook/demo", "--learner", "ana"], "not a case id"),
    (["run", "demo", "-p", "n_decisions", ".nan"], "expected a finite number"),
    (["run", "demo", "-p", "n_decisions", ".inf"], "expected a finite number"),
    (["run", "demo", "-p", "n_decisions", "-.inf"], "expected a finite number"),
    (["run", "demo", "-p", "n_decisions", "[1,"], "-p"),
    (["run", "demo", "-p", "n_decisions", "!!python/object/apply:os.system ['touch pwned']"], "-p"),
    (["run", "demo", "-p", "n_decisions", "[1, 2]"], "expected a number, true/false or text"),
    (["run", "demo", "-p", "n_decisions", "{a: 1}"], "expected a number, true/false or text"),
    (["run", "demo", "-p", "n_decisions", "2.5"], "n_decisions"),
    (["run", "demo", "-p", "seed", "-1"], "parameter seed"),
    (["run", "demo", "-p", "seed", str(2**64)], "parameter seed"),
    (["run", "demo", "-p", "nope", "1"], "unknown parameter"),
    (["run", "demo", "--jobs", "0"], "--jobs"),
    (["run", "demo", "--jobs", "-3"], "--jobs"),
    (["run", "demo", "--jobs", "many"], "--jobs"),
    (["build", "--jobs", "0"], "--jobs"),
    (["refresh", "--jobs", "-1"], "--jobs"),
    (["variant", "demo", "--seed", "-1"], "--seed"),
    (["variant", "demo", "--seed", str(2**64)], "--seed"),
    (["variant", "demo", "--seed", "1.5"], "--seed"),
    (["variant", "demo"], "--seed"),
    (["coach", "demo", "--learner", "ana", "--seed", "-1"], "--seed"),
    (["coach", "demo", "--learner", "ana", "--port", "70000"], "--port"),
    (["coach", "demo", "--learner", "ana", "--port", "0"], "--port"),
    (["coach", "demo", "--learner", "ana", "--minutes", "0"], "--minutes"),
    (["coach", "demo", "--learner", "   "], "--learner"),
    (["serve", "notebooks/demo.ipynb", "--port", "70000"], "--port"),
    (["serve", "notebooks/demo.ipynb", "--ip", "0.0.0.0"], "token"),
    (["run", "demo", "--out", "README.md"], "--out"),
    (["run", "demo", "--out", "/proc/nogo-cannot-write-here"], "--out"),
    (["variant", "demo", "--seed", "1", "--out", "/proc/nogo-cannot-write-here"], "--out"),
    (["build", "--out", "README.md"], "--out"),
    (["no-such-command"], "No such command"),
    (["run", "--no-such-flag"], "No such option"),
]


def _ids(line: list[str]) -> str:
    return " ".join(line)[:60].encode("unicode_escape").decode()


@pytest.mark.parametrize(("line", "fragment"), LINES, ids=[_ids(line) for line, _ in LINES])
def test_bad_command_line_fails_first_with_one_clear_line(project, line, fragment):
    outside = project.parent / "outside-the-project"
    before = {p for p in project.rglob("*")}
    result = CliRunner().invoke(main, line)
    assert result.exit_code != 0, f"accepted silently: {line}\n{result.output}"
    assert isinstance(result.exception, SystemExit), f"traceback: {result.exception!r}"
    assert "Traceback" not in result.output
    assert fragment in result.output, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith(("Error", "Usage", "Try"))]
    assert errors, result.output
    assert not outside.exists()
    # Nothing ran: no executed notebook, no stray folder (a refused variant made build/casebook once).
    written = {p for p in project.rglob("*")} - before
    assert not [p for p in written if p.suffix == ".ipynb" or p.name == "casebook"], written
    assert not (Path.cwd() / "pwned").exists()


def _count() -> None:  # pragma: no cover - a report for the closing note
    import tempfile

    counts = {"tried": 0, "clear error": 0, "traceback": 0, "accepted silently": 0}
    with tempfile.TemporaryDirectory():
        for line, fragment in LINES:
            counts["tried"] += 1
            result = CliRunner().invoke(main, line)
            if result.exit_code == 0:
                counts["accepted silently"] += 1
            elif not isinstance(result.exception, SystemExit) or "Traceback" in result.output:
                counts["traceback"] += 1
            elif fragment in result.output:
                counts["clear error"] += 1
    print(counts)


if __name__ == "__main__":  # pragma: no cover
    _count()
