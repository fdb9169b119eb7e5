"""The static casebook: a reveal is a closed <details>; nothing it holds shows outside one."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pytest

from nogo.casebook.site import build_site, is_reveal, notebook_html
from nogo.cases.project import Project

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_DETAILS = re.compile(r"<details\b[^>]*>.*?</details>", re.S)


def _output_lines(cell) -> list[str]:
    """The distinctive lines a reveal cell's outputs print (plain text), as the page escapes them."""
    lines = []
    for out in cell.get("outputs", []):
        text = out.get("text") or (out.get("data") or {}).get("text/plain", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        lines += [
            html.escape(line.strip(), quote=False) for line in text.splitlines() if len(line.strip()) >= 25
        ]
    return lines


def _toy() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    hidden = {"tags": ["hide-input"], "jupyter": {"source_hidden": True, "outputs_hidden": True}}
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("## Exercise: what does the cap save?"),
            v4.new_code_cell(
                "print(1)", outputs=[v4.new_output("stream", text="the question's own output\n")]
            ),
            v4.new_code_cell(
                "print(2)", metadata=hidden, outputs=[v4.new_output("stream", text="SOLUTION 1,234\n")]
            ),
            v4.new_code_cell("x = 3", metadata={"tags": ["reveal"]}, outputs=[]),
        ]
    )


def test_a_reveal_cell_is_a_closed_details_and_its_output_is_only_inside():
    page = notebook_html(_toy(), "toy")
    blocks = _DETAILS.findall(page)
    assert len(blocks) == 2  # the solution, and the tagged reveal
    assert all(not re.search(r"<details\b[^>]*\bopen\b", b.split(">", 1)[0] + ">") for b in blocks)
    assert "SOLUTION 1,234" in blocks[0] and "Show the solution" in blocks[0]
    assert "Show the answer" in blocks[1]
    outside = _DETAILS.sub("", page)
    assert "SOLUTION 1,234" not in outside
    assert "own output" in outside  # an ordinary cell's output stays visible


def test_is_reveal_reads_the_cell_metadata():
    cells = _toy().cells
    assert [is_reveal(c) for c in cells] == [False, False, True, True]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if any(is_reveal(c) for c in nbformat.read(p, 4).cells)],
                         ids=lambda p: p.stem)  # fmt: skip
def test_every_saved_notebooks_reveals_are_closed_in_the_static_book(path):
    nb = nbformat.read(path, as_version=4)
    page = notebook_html(path)
    outside = _DETAILS.sub("", page)
    inside = "".join(_DETAILS.findall(page))
    revealed = [line for c in nb.cells if is_reveal(c) for line in _output_lines(c)]
    shown = [line for c in nb.cells if not is_reveal(c) for line in _output_lines(c)]
    assert revealed, f"{path.name}: reveal cells with no text output to check"
    for line in revealed:
        if line in shown:  # printed by an open cell too: not the reveal's own text
            continue
        assert line not in outside, f"{path.name}: {line!r} is visible outside a closed <details>"
        assert line in inside
    assert not re.search(r"<details\b[^>]*\bopen\b", page)


def test_build_site_writes_the_pages_with_their_reveals_closed(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(_toy(), executed / "toy.ipynb")
    index = build_site(Project.find(ROOT), executed, tmp_path / "site")
    page = (tmp_path / "site" / "toy.html").read_text(encoding="utf-8")
    assert index.exists() and '<details class="nogo-reveal">' in page
    assert "SOLUTION 1,234" not in _DETAILS.sub("", page)
