"""Dataset snapshots: `check_snapshots` lists every problem (issue 16, item 5) and never raises for one."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import nogo
from nogo.app.cli import main
from nogo.casebook.datasets import check_snapshots, write_snapshots
from nogo.cases.casefile import Dataset
from nogo.cases.data import generate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = (ROOT / "casebook" / "_template.yaml").read_text(encoding="utf-8")
DATASET = """
data:
  - name: decisions
    generator: nogo.models.synthetic:example_log
    description: the generic example log
    parameters: PARAMETERS
"""
DEFAULTS = '{n_decisions: "${n_decisions}", seed: "${seed}"}'


def _case(tmp_path: Path, parameters: str = DEFAULTS, name: str = "demo") -> Path:
    """``casebook/<name>.yaml``: the template with one dataset, its generator given ``parameters``."""
    book = tmp_path / "casebook"
    book.mkdir(exist_ok=True)
    text = TEMPLATE.replace("id: template", f"id: {name}").replace("{default: template,", f"{{default: {name},")
    text = text.replace("{default: 5000, low: 2000", "{default: 2000, low: 2000")
    path = book / f"{name}.yaml"
    path.write_text(text + DATASET.replace("PARAMETERS", parameters), encoding="utf-8")
    return path


def _manifest(root: Path, case_id: str, **entry) -> None:
    folder = root / case_id
    folder.mkdir(parents=True, exist_ok=True)
    files = [{"name": "decisions", "file": "decisions.csv", "sha256": "0" * 64, **entry}]
    (folder / "manifest.json").write_text(json.dumps({"case_id": case_id, "files": files}), encoding="utf-8")


def test_snapshots_round_trip(tmp_path):
    case = nogo.load_case(_case(tmp_path))
    write_snapshots(case, tmp_path / "data")
    assert check_snapshots(case, tmp_path / "data") == []


def test_a_generator_failing_at_the_defaults_is_listed_not_raised(tmp_path):
    """Valid types, but the generator refuses the value: a problem line, not an exception."""
    data = tmp_path / "data"
    for name, parameters, says in [
        ("negative-size", '{n_decisions: -5, seed: "${seed}"}', r"n_decisions: expected a positive whole number, got -5"),
        ("negative-seed", '{n_decisions: "${n_decisions}", seed: -1}', r"ValueError: expected non-negative integer"),
    ]:
        case = nogo.load_case(_case(tmp_path, parameters, name=name))
        _manifest(data, name)
        found = check_snapshots(case, data)
        assert len(found) == 1, found
        assert found[0].startswith(f"{data / name / 'decisions.csv'}: cannot be regenerated at the case file's")
        assert re.search(says, found[0]), found[0]


def test_an_unknown_generator_is_listed_when_the_case_skipped_validation(tmp_path):
    """`model_copy` skips validation: the check still lists the generator rather than raising."""
    case = nogo.load_case(_case(tmp_path))
    bad = Dataset(name="decisions", generator="nogo.models.synthetic:no_such_log", description="x")
    case = case.model_copy(update={"data": [bad]})
    _manifest(tmp_path / "data", "demo")
    (found,) = check_snapshots(case, tmp_path / "data")
    assert "generator 'nogo.models.synthetic:no_such_log' does not exist" in found


def test_unreadable_manifest_and_files_are_listed(tmp_path):
    case = nogo.load_case(_case(tmp_path))
    data = tmp_path / "data"
    (data / "demo" / "manifest.json").mkdir(parents=True)
    (found,) = check_snapshots(case, data)
    assert found.startswith(f"{data / 'demo' / 'manifest.json'}: cannot be read")
    (data / "demo" / "manifest.json").rmdir()
    write_snapshots(case, data)
    (data / "demo" / "decisions.csv").unlink()
    (data / "demo" / "decisions.csv").mkdir()
    (found,) = check_snapshots(case, data)
    assert found.startswith(f"{data / 'demo' / 'decisions.csv'}: cannot be read")
    (data / "demo" / "manifest.json").write_text('{"files": ["decisions"]}', encoding="utf-8")
    (found,) = check_snapshots(case, data)
    assert "not a valid manifest" in found


def test_generate_names_a_generator_failure(tmp_path, monkeypatch):
    case = nogo.load_case(_case(tmp_path))

    def broken(**kwargs):
        raise ValueError("boom")  # a generator's own failure (a seed of -1 is refused before it now)

    monkeypatch.setattr(nogo.models.synthetic, "example_log", broken)
    with pytest.raises(nogo.InputError, match=r"data 'decisions': generator nogo.models.synthetic:example_log failed"):
        generate(case, "decisions", {})


def test_nogo_check_lists_every_bad_case_and_dataset(tmp_path, monkeypatch):
    """A folder named like a case file, a .yml file, a bad generator value: all listed, no traceback."""
    _case(tmp_path, '{n_decisions: -5, seed: "${seed}"}')
    _manifest(tmp_path / "data", "demo")
    (tmp_path / "casebook" / "ghost.yaml").mkdir()
    (tmp_path / "casebook" / "other.yml").write_text(TEMPLATE, encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "README.md").write_text("<!-- cases:start -->\n<!-- cases:end -->\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOGO_ROOT", raising=False)
    result = CliRunner().invoke(main, ["check"])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert "ghost.yaml: expected a case file, found a folder" in result.output
    assert "other.yml: case files end in .yaml: rename it other.yaml" in result.output
    assert "decisions.csv: cannot be regenerated at the case file's defaults" in result.output
    assert "Traceback" not in result.output
    # A folder or a .yml file is one problem, not also a case whose notebook is missing.
    assert "ghost.ipynb" not in result.output and "other.ipynb" not in result.output
