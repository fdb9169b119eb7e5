"""Every notebook, opened and run in a real JupyterLab: no errors, every chart drawn, widgets rendered,
no label, button or dropdown whose text is cut, no prose or table typeset as maths; and what
JupyterLab's MathJax typesets, measured against the finder ``nogo check`` uses (``nogo.formatting``)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from nogo.formatting import MARKDOWN_CLOSE, MARKDOWN_OPEN, markdown_maths
from tests.browser.helpers import (
    cut_texts,
    empty_charts,
    error_outputs,
    money_as_maths,
    open_and_run_all,
    outputs,
    typeset_maths,
)
from tests.conftest import notebook_names

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = notebook_names()
SHOTS = ROOT / "build" / "browser-screenshots"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_clean_in_jupyterlab(lab, page, name):
    open_and_run_all(lab, page, name)
    records = outputs(page)
    assert records, f"{name}: no outputs at all after Run All"
    assert error_outputs(records) == []
    committed = json.loads((lab.root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    expected = sum(
        "image/svg+xml" in out.get("data", {})
        for cell in committed["cells"]
        for out in cell.get("outputs", [])
    )
    charts = [r for r in records if r["isChart"]]
    assert len(charts) == expected, f"{name}: {len(charts)} charts rendered, {expected} in the saved notebook"
    assert empty_charts(records) == [], f"{name}: charts that drew nothing"
    assert not [r for r in records if r["widgetError"]], f"{name}: a widget failed to display"
    cut = cut_texts(page)
    assert cut == [], f"{name}: labels, buttons or dropdowns whose text is cut: {cut[:5]}"
    assert page.blocked == [], f"{name}: tried to reach the network: {page.blocked[:3]}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.page.screenshot(path=str(SHOTS / f"lab-{name}.png"))
    maths = money_as_maths(typeset_maths(page))
    assert maths == [], f"{name}: prose or tables typeset as maths in JupyterLab: {maths[:5]}"
    lab.delete_sessions()


# Markdown cells: each must typeset exactly what nogo.formatting.markdown_maths predicts.
MARKDOWN = [
    "costs $100 and $200 each",
    "costs \\$100 and \\$200 each",  # jupyterlab#8645: \$ is not enough
    "- **The \\$200-\\$300 extra** per borrower",
    "- \\$100 in one item\n- \\$200 in the next",
    "| a | b |\n|---|---|\n| \\$1,234 | \\$5,678 |",
    "| a |\n|---|\n| \\$200-\\$300 |",
    "costs **\\$100** and **\\$200**",
    "costs \\\\$100 and \\\\$200",
    "costs `$100` and `$200`",
    "```\nx = $1 + $2\n```",
    "pays \\$200 a month at rate $r$",
    "first paragraph \\$100\n\nsecond paragraph \\$200",
    "balance $L$ at rate $r$: $L\\,r / (1 - (1+r)^{-n})$",
    MARKDOWN_OPEN
    + "costs \\$100 and \\$200\n\n- \\$1 and \\$2\n\n### Heading \\$3 and \\$4"
    + MARKDOWN_CLOSE,
    '<div class="tex2jax_ignore">\n\ncosts \\$100 and \\$200\n\n</div>',
]
PAIR = "<p>costs $100 and $200</p>"
# Code cells and whether JupyterLab typesets something in their output.
OUTPUTS = [
    (f"display(HTML({PAIR!r}))", True),
    (f"display(HTML(nogo.math_safe_html({PAIR!r})))", False),
    (f"display(HTML('<div class=\"tex2jax_ignore\">' + {PAIR!r} + '</div>'))", True),  # MathJax 2's class
    (f"display(HTML('<div class=\"mathjax_ignore\">' + {PAIR!r} + '</div>'))", False),
    ("frame = pd.DataFrame({'price': ['$200-$300', '$1,234'], 'other': ['x', '$5,678']})\nframe", True),
    ("pd.DataFrame({'price': ['$1,234'], 'other': ['$5,678']})", False),  # one $ per cell: split
    ("nogo.notebook_setup()\nframe", False),
    ("frame.style", False),
    ("display(Markdown('costs \\\\$1 and \\\\$2'))", True),
    (f"w.HTML({PAIR!r})", False),  # an HTML widget's value is never typeset
    ("w.Label('costs $1 and $2')", True),
    ("w.Label(nogo.math_safe_text('costs $1 and $2'))", False),
    ("w.Checkbox(description='costs $1 and $2', indent=False)", True),
    ("w.Checkbox(description=nogo.math_safe_text('costs $1 and $2'), indent=False)", False),
    ("w.ToggleButtons(options=['costs $1 and $2', 'b'])", False),
]


def test_what_jupyterlab_typesets_is_what_the_finder_predicts(lab, page):
    cells = [nbformat.v4.new_markdown_cell(source) for source in MARKDOWN]
    cells.append(nbformat.v4.new_code_cell(
        "from IPython.display import HTML, Markdown, display\nimport ipywidgets as w\nimport pandas as pd\n"
        "import nogo"
    ))  # fmt: skip
    first_code = len(cells)
    cells += [nbformat.v4.new_code_cell(code) for code, _ in OUTPUTS]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = lab.root / "notebooks" / "e2e-maths.ipynb"
    nbformat.write(nb, path)
    try:
        open_and_run_all(lab, page, "e2e-maths")
        assert error_outputs(outputs(page)) == []
        found = typeset_maths(page)
        per_cell = [[r for r in found if r["cell"] == k] for k in range(len(cells))]
        for k, source in enumerate(MARKDOWN):
            assert len(per_cell[k]) == len(markdown_maths(source)), (source, per_cell[k])
        for j, (code, typeset) in enumerate(OUTPUTS):
            assert bool(per_cell[first_code + j]) == typeset, (code, per_cell[first_code + j])
        SHOTS.mkdir(parents=True, exist_ok=True)
        for j, shot in ((4, "maths-table-plain"), (6, "maths-table-safe")):
            cell = page.page.locator(".jp-Notebook .jp-Cell").nth(first_code + j)
            cell.scroll_into_view_if_needed()
            cell.screenshot(path=str(SHOTS / f"{shot}.png"))
        assert page.blocked == []
    finally:
        path.unlink(missing_ok=True)
        lab.delete_sessions()
