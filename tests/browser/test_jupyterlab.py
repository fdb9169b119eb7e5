"""Every notebook, opened and run in a real JupyterLab: no errors, every chart drawn, widgets rendered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.helpers import empty_charts, error_outputs, open_and_run_all, outputs

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb") if not p.name.startswith("_"))
SHOTS = ROOT / "build" / "browser-screenshots"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_clean_in_jupyterlab(lab, page, name):
    open_and_run_all(lab, page, name)
    records = outputs(page)
    assert records, f"{name}: no outputs at all after Run All"
    assert error_outputs(records) == []
    committed = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    expected = sum(
        "image/svg+xml" in out.get("data", {})
        for cell in committed["cells"]
        for out in cell.get("outputs", [])
    )
    charts = [r for r in records if r["isChart"]]
    assert len(charts) == expected, f"{name}: {len(charts)} charts rendered, {expected} in the saved notebook"
    assert empty_charts(records) == [], f"{name}: charts that drew nothing"
    assert not [r for r in records if r["widgetError"]], f"{name}: a widget failed to display"
    assert page.blocked == [], f"{name}: tried to reach the network: {page.blocked[:3]}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / f"lab-{name}.png"))
    lab.delete_sessions()
