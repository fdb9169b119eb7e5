"""The nogo command on a small temporary casebook: list, check, data, index, run, variant, build."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

import nogo
from nogo.app.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*args):
    return CliRunner().invoke(main, list(args))


def test_every_command_has_help():
    for command in ["list", "check", "run", "variant", "build", "refresh", "data", "index", "lab", "progress",
                    "serve", "coach", "interview"]:  # fmt: skip
        result = _run(command, "--help")
        assert result.exit_code == 0, command
        assert "Usage:" in result.output


def test_list_and_check_on_a_clean_casebook(project):
    listing = _run("list")
    assert listing.exit_code == 0 and "demo" in listing.output and "example domain" in listing.output
    check = _run("check")
    assert check.exit_code == 0, check.output
    assert "casebook ok" in check.output
    readme = (project / "README.md").read_text()
    assert "[`demo`](notebooks/demo.ipynb)" in readme


def test_check_lists_every_problem_and_fails(project):
    (project / "notebooks" / "orphan.ipynb").write_text(
        (project / "notebooks" / "demo.ipynb").read_text(), encoding="utf-8"
    )
    nb = nbformat.read(project / "notebooks" / "demo.ipynb", as_version=4)
    nb.cells[1].metadata["tags"] = []
    nbformat.write(nb, project / "notebooks" / "demo.ipynb")
    (project / "data" / "demo" / "decisions.csv").write_text("tampered\n")
    broken = (project / "casebook" / "demo.yaml").read_text().replace("status: draft", "status: nope")
    (project / "casebook" / "other.yaml").write_text(broken.replace("id: demo", "id: other"))
    result = _run("check")
    assert result.exit_code == 1, result.exception
    out = result.output
    assert "notebooks/orphan.ipynb: no case file casebook/orphan.yaml" in out
    assert "notebooks/demo.ipynb: no cell tagged 'parameters'" in out
    assert re.search(r"data/demo/decisions.csv: contents differ from the manifest's sha256", out)
    assert re.search(r"other.yaml:\d+: status: Input should be 'draft' or 'ready', got 'nope'", out)
    assert "notebooks/other.ipynb: missing" in out
    assert "README.md: the case table is out of date" not in out  # other.yaml is invalid, so not listed
    assert "problem(s) in the casebook" in out


def test_check_catches_a_stale_readme_and_a_generator_change(project, monkeypatch):
    (project / "README.md").write_text("# t\n\n<!-- cases:start -->\n| stale |\n<!-- cases:end -->\n")
    manifest = project / "data" / "demo" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["files"][0]["sha256"] = "0" * 64
    manifest.write_text(json.dumps(data))
    out = _run("check").output
    assert "README.md: the case table is out of date with the case files (run `nogo index`)" in out
    assert "the generator no longer reproduces the manifest's sha256" in out


def test_load_dataset_uses_the_snapshot_at_defaults_and_regenerates_a_variant(project):
    case = nogo.load_case(project / "casebook" / "demo.yaml")
    snap = nogo.load_dataset(case, "decisions", root=project / "data")
    fresh = nogo.models.synthetic.example_log(5000, seed=case.defaults()["seed"])
    assert len(snap) == 5000
    assert (snap["score"].to_numpy() == fresh["score"].to_numpy()).all()  # CSV round-trips exactly
    variant = nogo.load_dataset(case, "decisions", {"n_decisions": 2100}, root=project / "data")
    assert len(variant) == 2100
    with pytest.raises(nogo.InputError, match="no dataset 'log'; known: decisions"):
        nogo.load_dataset(case, "log", root=project / "data")


def test_run_reports_unknown_parameters_and_failures(project):
    bad = _run("run", "demo", "-p", "n_decision", "3000")
    assert bad.exit_code != 0
    assert "unknown parameter(s) n_decision" in bad.output
    missing = _run("run", "nope")
    assert missing.exit_code != 0 and "no notebook notebooks/nope.ipynb" in missing.output
    ok = _run("run", "demo", "-p", "n_decisions", "2500", "--out", str(project / "out"))
    assert ok.exit_code == 0, ok.output
    assert "1 passed, 0 failed" in ok.output
    executed = nbformat.read(project / "out" / "demo.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters == {"n_decisions": 2500}
    # A wrong parameter value makes a check cell fail: reported with the cell, exit code non-zero.
    fail = _run("run", "demo", "-p", "review_usd", "-1.0", "--out", str(project / "out"))
    assert fail.exit_code == 1
    assert re.search(r"demo\s+FAILED\s+[\d.]+\s+cell \d+: ", fail.output)
    assert "0 passed, 1 failed" in fail.output


def test_variant_same_seed_same_parameters(project):
    a = _run("variant", "demo", "--seed", "11", "--out", str(project / "v1"))
    b = _run("variant", "demo", "--seed", "11", "--out", str(project / "v2"))
    c = _run("variant", "demo", "--seed", "12", "--out", str(project / "v3"))
    assert a.exit_code == b.exit_code == c.exit_code == 0, a.output
    first = lambda r: r.output.splitlines()[0]  # noqa: E731
    assert first(a) == first(b) != first(c)
    p1 = nbformat.read(project / "v1" / "demo-seed11.ipynb", as_version=4).metadata.papermill.parameters
    p2 = nbformat.read(project / "v2" / "demo-seed11.ipynb", as_version=4).metadata.papermill.parameters
    assert p1 == p2 == nogo.load_case(project / "casebook" / "demo.yaml").variant(11)


def test_build_writes_an_offline_static_casebook(project):
    result = _run("build", "--out", str(project / "site"), "--jobs", "1")
    assert result.exit_code == 0, result.output
    index = (project / "site" / "index.html").read_text()
    assert 'href="demo.html"' in index and "example domain" in index
    page = (project / "site" / "demo.html").read_text()
    for html in (index, page):
        assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", html)
    # The executed outputs are on the page: the figures check table and the contract.
    assert "PLACEHOLDER share of the agent" in page  # the template's published figure
    assert "within_tolerance" in page
    # the template's contract is an answer: it appears only inside the launch call after submitting
    assert "goodwill credits and account closures at an example support desk" not in page


def test_commands_outside_a_casebook_say_so(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOGO_ROOT", raising=False)
    result = _run("list")
    assert result.exit_code != 0
    assert "no casebook here or above" in result.output


def test_the_real_casebook_is_consistent():
    """The catalogue test: case files, notebooks, data and the README's case table agree."""
    from nogo.casebook.catalogue import problems

    assert problems(nogo.Project(ROOT)) == []


def test_variant_of_an_unknown_case_is_named(project):
    result = _run("variant", "nope", "--seed", "1")
    assert result.exit_code != 0
    assert "nope: no case file" in result.output and "known cases: demo" in result.output


def test_progress_prints_history_and_what_next(tmp_path):
    path = tmp_path / "p.sqlite3"
    with nogo.ProgressStore(path) as store:
        for i, (choice, best) in enumerate(
            [("act", "escalate"), ("escalate", "escalate"), ("act", "decline")]
        ):
            store.record_attempt(
                learner="ana", case_id="loan-steering", variant_seed=1, drill="stream", item=f"item {i}",
                choice=choice, cost_usd=10.0 * i, optimal_choice=best, optimal_cost_usd=5.0, time_taken_seconds=3.0,
            )  # fmt: skip
    out = _run("progress", "--learner", "ana", "--store", str(path))
    assert out.exit_code == 0, out.output
    assert re.search(
        r"\nloan-steering\s+stream\s+3\s+33%\s+\$15\s+\$5\s+3 s\s+20\d\d-\d\d-\d\d \d\d:\d\d\n", out.output
    )
    assert (
        "Practise next:" in out.output
        and "loan-steering / stream: mean regret $5.00, accuracy 33%" in out.output
    )
    assert "bob: no attempts yet" in _run("progress", "--learner", "bob", "--store", str(path)).output
    missing = _run("progress", "--learner", "ana", "--store", str(tmp_path / "none.sqlite3"))
    assert missing.exit_code != 0 and "no progress store yet" in missing.output
    (tmp_path / "junk.sqlite3").write_bytes(b"not a database at all, just bytes" * 20)
    junk = _run("progress", "--learner", "ana", "--store", str(tmp_path / "junk.sqlite3"))
    assert junk.exit_code != 0 and "not a No-Go progress store" in junk.output


def test_progress_reads_plainly_no_scientific_notation_no_microseconds(tmp_path):
    """A store as it is in practice (policy costs in the tens of thousands, a stream regret of millions,
    microsecond timestamps, a learner named 李雷): the table a person reads has none of 6.738859e+06 or
    09:34:34.123694, and stays narrow."""
    path = tmp_path / "p.sqlite3"
    answers = [("stream", "decision 1", 6738859.25, 0.000123), ("policy", "policy", 55911.7286020576, 18539.0),
               ("launch", "launch call", 0.0, 0.0), ("stream", "decision 2", 3.41, 0.0)]  # fmt: skip
    with nogo.ProgressStore(path) as store:
        for k, (drill, item, cost, best) in enumerate(answers):
            store.record_attempt(
                learner="李雷", case_id="loan-steering", variant_seed=2**32 - 1, drill=drill, item=item,
                choice="act", cost_usd=cost, optimal_choice="escalate" if cost > best else "act",
                optimal_cost_usd=best, time_taken_seconds=0.000123 + 97.25 * k,
            )  # fmt: skip
    out = _run("progress", "--learner", "李雷", "--store", str(path))
    assert out.exit_code == 0, out.output
    assert not re.search(r"\d[eE][-+]?\d", out.output), out.output
    assert not re.search(r":\d\d\.\d", out.output) and "+00:00" not in out.output, out.output
    table = out.output.split("\n\n")[1].splitlines()
    header = ["case", "drill", "answers", "right", "regret", "per", "answer", "time", "each", "last", "(UTC)"]
    assert table[0].split() == header
    assert max(len(line) for line in table) <= 100, table  # it was 190 wide before
    assert all(re.search(r" 20\d\d-\d\d-\d\d \d\d:\d\d$", line) for line in table[1:]), table  # to the minute
    assert re.search(r"\nloan-steering\s+stream\s+2\s+0%\s+\$6\.7M\s+\$3\.4M\s", out.output)
    assert re.search(r"\nloan-steering\s+policy\s+1\s+0%\s+\$37\.4K\s+\$37\.4K\s+1 min 37 s\s", out.output)
    assert "mean regret $3,369,431, accuracy 0% over 2 attempts" in out.output


def test_lab_passes_jupyterlab_options_through(project, monkeypatch):
    calls = []
    monkeypatch.setattr("subprocess.call", lambda cmd: calls.append(cmd) or 0)
    result = _run("lab", "--no-browser", "--ServerApp.port=8899")
    assert result.exit_code == 0, result.output
    cmd = calls[0]
    assert cmd[1:4] == ["-m", "jupyter", "lab"]
    assert cmd[-2:] == ["--no-browser", "--ServerApp.port=8899"]
    assert f"--ServerApp.root_dir={project / 'notebooks'}" in cmd
    hidden = next(a for a in cmd if a.startswith("--ContentsManager.hide_globs="))
    assert "'_*.ipynb'" in hidden and "'__pycache__'" in hidden  # the templates, and Lab's own defaults
    assert "--MappingKernelManager.transport_encryption=auto" in cmd  # no TCP warning from Lab's kernels
