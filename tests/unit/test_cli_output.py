"""What the nogo command prints reads plainly and leads somewhere (issue 15, items 2 and 6).

Every command's output: no scientific notation, no raw floats, no microseconds, no line over 100
characters. A variant lands where JupyterLab opens it and the suites do not collect it; `nogo lab` hides
the templates; `nogo run` starts kernels without the "running over TCP without encryption" warning.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

import nogo
from nogo.app.cli import main
from nogo.app.lab import TEMPLATE_GLOB, lab_command
from nogo.casebook.notebooks import NotebookResult

ROOT = Path(__file__).resolve().parents[2]
SCIENTIFIC = re.compile(r"\d\.\d+[eE][-+]?\d|\d[eE][-+]\d")  # 6.738859e+06, 2.0000E+01, 1e-05
RAW_FLOAT = re.compile(r"\d\.\d{5,}")  # 96.355396, 0.30000000000000004
MICROSECONDS = re.compile(r":\d\d\.\d{3,}")  # 09:34:34.123694
WIDTH = 100


def _plain(output: str, what: str) -> None:
    for pattern in (SCIENTIFIC, RAW_FLOAT, MICROSECONDS):
        assert not pattern.search(output), f"{what}: {pattern.pattern} in\n{output}"
    wide = [line for line in output.splitlines() if len(line) > WIDTH]
    assert not wide, f"{what}: lines over {WIDTH} characters: {wide}"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _store(path: Path) -> Path:
    """A store as practice fills it: regrets of millions and cents, microsecond times, long names."""
    answers = [("stream", "decision 1", 6738859.25, 0.000123), ("policy", "policy", 55911.7286020576, 18539.0),
               ("launch", "launch call", 0.0, 0.0), ("stream", "decision 2", 3.41, 0.0)]  # fmt: skip
    with nogo.ProgressStore(path) as store:
        for k, (drill, item, cost, best) in enumerate(answers):
            store.record_attempt(
                learner="Ana", case_id="pricing-feedback-loop", variant_seed=2**32 - 1, drill=drill, item=item,
                choice="act", cost_usd=cost, optimal_choice="escalate" if cost > best else "act",
                optimal_cost_usd=best, time_taken_seconds=0.000123 + 97.25 * k,
            )  # fmt: skip
    return path


def test_every_command_prints_plain_numbers_within_100_columns(project, tmp_path, monkeypatch):
    """list, check, variant, progress, the coach's summary line, the interview sheet."""
    listing = _run("list")
    assert listing.exit_code == 0 and "demo" in listing.output
    _plain(listing.output, "nogo list")
    check = _run("check")
    assert check.exit_code == 0 and "casebook ok" in check.output
    _plain(check.output, "nogo check")

    variant = _run("variant", "demo", "--seed", "11")
    assert variant.exit_code == 0, variant.output
    _plain(variant.output, "nogo variant")
    assert re.search(r"n_decisions \d{1,3},\d{3};", variant.output)  # a count with its separator

    store = _store(tmp_path / "p.sqlite3")
    progress = _run("progress", "--learner", "Ana", "--store", str(store), "--csv", str(tmp_path / "ana.csv"))
    assert progress.exit_code == 0, progress.output
    _plain(progress.output, "nogo progress")
    assert "$6.7M" in progress.output and re.search(r"\d\d:\d\d\n", progress.output)
    raw = (tmp_path / "ana.csv").read_text()  # the full data, for a spreadsheet: every attempt, exact
    assert "6738859.25" in raw and "55911.7286020576" in raw and raw.count("\n") == 5

    monkeypatch.setattr("nogo.app.cli.subprocess.call", lambda cmd, **kw: 0)  # no Voila
    monkeypatch.setattr(
        "nogo.casebook.notebooks.execute",
        lambda nb, out, params, **kw: NotebookResult("coaching", True, 0.0, Path(out), params),
    )
    monkeypatch.setenv("NOGO_ROOT", str(ROOT))
    coach = _run("coach", "pricing-feedback-loop", "--learner", "Ana", "--seed", "7", "--no-browser")
    assert coach.exit_code == 0, coach.output
    _plain(coach.output, "nogo coach")
    summary = " ".join(coach.output.split("\n\n")[0].split())
    assert "review_usd $161; reviewer_miss_rate 15.0%;" in summary, summary  # was review_usd=160.894083
    for path in (ROOT / "build" / "coaching").glob("ana-*-pricing-feedback-loop-7*.ipynb"):
        if path.stat().st_size == 0:
            path.unlink()  # the claimed notebook the fake run left empty

    sheet = _run("interview", "--seed", "3", "--print")
    assert sheet.exit_code == 0, sheet.output
    _plain(sheet.output, "nogo interview --print")


def test_a_variant_opens_from_jupyterlab_and_no_suite_collects_it(project):
    result = _run("variant", "demo", "--seed", "3")
    assert result.exit_code == 0, result.output
    target = project / "notebooks" / "variants" / "demo-seed3.ipynb"
    assert nbformat.read(target, as_version=4).metadata.papermill.parameters["seed"] == 3
    # Where JupyterLab (root notebooks/) shows it, on a line of its own; the project-relative path too.
    assert "\n  variants/demo-seed3.ipynb\n" in result.output and "nogo lab" in result.output
    assert "notebooks/variants/demo-seed3.ipynb" in result.output
    # Not a casebook notebook: not run, not checked, not built.
    assert nogo.Project(project).notebook_names() == ["demo"]
    check = _run("check")
    assert check.exit_code == 0 and "casebook ok" in check.output
    # Git ignores the folder; nbval (the Makefile's notebook run) skips it.
    assert "notebooks/variants/" in (ROOT / ".gitignore").read_text().splitlines()
    nbval = next(line for line in (ROOT / "Makefile").read_text().splitlines() if "--nbval notebooks" in line)
    assert "--ignore=notebooks/variants" in nbval


def test_a_variant_folder_leading_outside_the_project_is_refused(project, tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (project / "notebooks" / "variants").symlink_to(outside, target_is_directory=True)
    result = _run("variant", "demo", "--seed", "3")
    assert result.exit_code != 0 and "it would be written outside" in result.output
    assert list(outside.iterdir()) == []
    for hostile in ("../../evil", "demo/../../x", "/etc/passwd"):  # the case-id check still comes first
        assert "not a case id" in _run("variant", hostile, "--seed", "1").output


def test_nogo_run_starts_kernels_without_the_transport_warning(project):
    """ipykernel warned "running over TCP without encryption" on every kernel papermill started."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("print(x + 41)")]  # fmt: skip
    nbformat.write(nb, project / "notebooks" / "tiny.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "NOGO_ROOT"}
    done = subprocess.run(
        [sys.executable, "-m", "nogo.app.cli", "run", "tiny", "--out", str(project / "out")],
        cwd=project, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed, 0 failed" in done.stdout
    assert "without encryption" not in done.stderr and "WARNING" not in done.stderr, done.stderr
    out = nbformat.read(project / "out" / "tiny.ipynb", as_version=4)
    assert out.cells[-1].outputs[0]["text"] == "42\n"


def test_lab_hides_the_templates_and_keeps_jupyterlabs_own_hidden_files(project):
    cmd = lab_command(nogo.Project(project), ["--no-browser"])
    [arg] = [a for a in cmd if a.startswith("--ContentsManager.hide_globs=")]
    hidden = ast.literal_eval(arg.split("=", 1)[1])
    assert TEMPLATE_GLOB in hidden and {"__pycache__", "*.pyc"} <= set(hidden)
    shown = ["demo.ipynb", "start-here.ipynb", "coaching.ipynb", "variants"]
    assert all(not any(fnmatch.fnmatch(n, g) for g in hidden) for n in shown)
    assert any(fnmatch.fnmatch("_template.ipynb", g) for g in hidden)
    assert cmd[-1] == "--no-browser"  # the user's options come last, so they win


def test_lab_file_browser_lists_no_template(project, tmp_path):
    """`nogo lab` itself, asked for its root listing over the REST API the file browser uses."""
    (project / "notebooks" / "_template.ipynb").write_text((project / "notebooks" / "demo.ipynb").read_text())
    env = {k: v for k, v in os.environ.items() if k != "NOGO_ROOT"}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        (tmp_path / var).mkdir()
        env[var] = str(tmp_path / var)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    cmd = [sys.executable, "-m", "nogo.app.cli", "lab", "--no-browser", f"--ServerApp.port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--LabApp.news_url=None"]  # fmt: skip
    log = tmp_path / "lab.log"
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/api/contents/")
        req.add_header("Authorization", f"token {token}")
        deadline = time.monotonic() + 60
        while True:
            try:
                listing = json.loads(urllib.request.urlopen(req, timeout=5).read())
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"nogo lab did not start:\n{log.read_text()}")
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    names = {item["name"] for item in listing["content"]}
    assert "demo.ipynb" in names and "_template.ipynb" not in names, names
