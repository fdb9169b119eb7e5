"""The catalogue: dollar amounts that JupyterLab would typeset, in any notebook; each case notebook runs its case."""

from __future__ import annotations

import ast

import nbformat
import pytest

import nogo
from nogo.casebook.catalogue import END, START, math_problems, notebook_math_problems, problems, readme_table
from nogo.casebook.notebooks import parameters_cell
from nogo.formatting import MARKDOWN_CLOSE, MARKDOWN_OPEN, math_safe_html
from tests import conftest as shared

TABLE = "<table><tr><td>$1,234</td><td>$5,678</td></tr></table>"


def _notebook(*cells) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=list(cells))


def _html_cell(page: str, mime: str = "text/html") -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("table")
    cell.metadata["jupyter"] = {"source_hidden": True}  # reader mode: code folded
    cell.outputs = [nbformat.v4.new_output("display_data", data={mime: page, "text/plain": "table"})]
    return cell


@pytest.mark.parametrize(
    "source",
    [
        "The peak was $23,698,655.93 after a start of $1,730,045.91.",
        "The peak was \\$23,698,655.93 after a start of \\$1,730,045.91.",  # \$ is not enough in JupyterLab
        "- **The \\$200-\\$300 extra per borrower**",
        "A single \\$5 fee and a rate $r$ written as maths",  # "$5 fee and a rate $" pairs up
    ],
)
def test_money_typeset_as_maths_in_markdown_is_a_problem(source):
    found = notebook_math_problems(_notebook(nbformat.v4.new_markdown_cell(source)), "notebooks/x.ipynb")
    assert len(found) == 1
    assert found[0].startswith("notebooks/x.ipynb: cell 0: Markdown renders $")
    assert "mathjax_ignore" in found[0]


@pytest.mark.parametrize(
    "source",
    [
        "A single $5 fee.",
        "A single \\$5 fee, then `$1` and `$2` in code.",
        "```python\nprice = '$1' + '$2'\n```",
        "- \\$100 in one item\n- \\$200 in another",
        "| a | b |\n|---|---|\n| \\$1,234 | \\$5,678 |",
        "The balance $L$ at monthly rate $r$ over $n$ months.",  # maths on purpose
        MARKDOWN_OPEN + "The peak was \\$23,698,655.93 after \\$1,730,045.91." + MARKDOWN_CLOSE,
        "Costs \\\\$100 and \\\\$200.",
        "No money at all.",
    ],
)
def test_safe_markdown_is_not_a_problem(source):
    assert notebook_math_problems(_notebook(nbformat.v4.new_markdown_cell(source)), "x.ipynb") == []


def test_html_and_markdown_outputs_are_checked():
    nb = _notebook(
        nbformat.v4.new_markdown_cell("intro"),
        _html_cell(TABLE),
        _html_cell(math_safe_html(TABLE)),
        _html_cell("<p>one $5 only</p>"),
        _html_cell(f'<div class="tex2jax_ignore">{TABLE}</div>'),  # MathJax 3 does not honour it
        _html_cell("costs \\$1 and \\$2", mime="text/markdown"),
        _html_cell("costs \\$1", mime="text/markdown"),
    )
    found = notebook_math_problems(nb, "notebooks/x.ipynb")
    assert [line.split(" has ")[0].split(" renders ")[0] for line in found] == [
        "notebooks/x.ipynb: cell 1: output 0: text/html",
        "notebooks/x.ipynb: cell 4: output 0: text/html",
        "notebooks/x.ipynb: cell 5: output 0: text/markdown",
    ]
    assert "2 '$'" in found[0] and "math_safe_html" in found[0]


def _project(tmp_path, *cells) -> nogo.Project:
    (tmp_path / "casebook").mkdir()
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "README.md").write_text(f"# x\n\n{START}\n{readme_table([])}\n{END}\n", encoding="utf-8")
    params = nbformat.v4.new_code_cell("seed = 0")
    params.metadata["tags"] = ["parameters"]
    nbformat.write(_notebook(params, *cells), tmp_path / "notebooks" / "start-here.ipynb")
    return nogo.Project(tmp_path)


def test_nogo_check_reports_maths_in_every_notebook_templates_too(tmp_path):
    project = _project(tmp_path, nbformat.v4.new_markdown_cell("from \\$200 to \\$300"))
    nbformat.write(_notebook(_html_cell(TABLE)), tmp_path / "notebooks" / "_template.ipynb")
    (tmp_path / "notebooks" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    found = math_problems(project)
    assert [line.split(":")[0] for line in found] == [
        "notebooks/_template.ipynb",
        "notebooks/broken.ipynb",
        "notebooks/start-here.ipynb",
    ]
    assert found[1].startswith("notebooks/broken.ipynb: cannot be read")
    assert found[2].startswith("notebooks/start-here.ipynb: cell 1: Markdown renders $200 to $")
    everything = problems(project)
    assert found[0] in everything and found[2] in everything


def test_a_clean_project_has_no_maths_problems(tmp_path):
    safe = nbformat.v4.new_markdown_cell("A single \\$5 fee.")
    project = _project(tmp_path, safe, _html_cell(math_safe_html(TABLE)))
    assert math_problems(project) == []
    assert problems(project) == []


def _assigned(source: str) -> dict[str, object]:
    """The names a parameters cell assigns, with their literal values."""
    body = ast.parse(source).body
    return {
        t.id: ast.literal_eval(s.value)
        for s in body
        if isinstance(s, ast.Assign)
        for t in s.targets
        if isinstance(t, ast.Name)
    }


@pytest.mark.parametrize("case_id", shared.case_ids())
def test_each_case_notebook_runs_its_own_case(case_id):
    """A notebook copied from the template runs the template's case until its ``case_id`` is set."""
    cell = parameters_cell(shared.project().notebooks / f"{case_id}.ipynb")
    assert cell is not None, f"notebooks/{case_id}.ipynb: no cell tagged 'parameters'"
    assert _assigned(cell.source).get("case_id") == case_id, (
        f"notebooks/{case_id}.ipynb: case_id is not {case_id!r}"
    )


def test_assigned_reads_a_parameters_cell():
    assert _assigned('case_id = "x"  # the case\nseed = 3\nlearner = ""\nprint(1)') == {
        "case_id": "x",
        "seed": 3,
        "learner": "",
    }


def test_nogo_check_lists_every_problem_of_a_case_file(tmp_path, monkeypatch):
    """Three independent problems in three sections of one case file: three lines, each with its
    file, line and field (issue 13, item 6); it used to be one line, for the first."""
    from pathlib import Path

    from click.testing import CliRunner

    from nogo.app.cli import main

    project = _project(tmp_path)
    template = (Path(__file__).resolve().parent / "data" / "template.yaml").read_text(encoding="utf-8")
    text = template.replace("id: template", "id: demo", 1).replace("{default: template,", "{default: demo,", 1)
    for old, new in [
        ('date: "2024-02-14"', 'date: "14 Feb 2024"'),
        ("    - a value cap above which a person approves\n\nrubric", "    - a moat\n\nrubric"),
        ("    error_budget: 0.01", "    error_budget: 1.5"),
    ]:
        assert old in text
        text = text.replace(old, new, 1)
    case_file = project.casebook / "demo.yaml"
    case_file.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    def line(needle: str) -> int:
        return next(k for k, row in enumerate(lines, 1) if needle in row)

    expected = [
        f"{case_file}:{line('date:')}: sources[0].date: ",
        f"{case_file}:{line('key_guardrails:')}: drill.key_guardrails: 'a moat' is not one of",
        f"{case_file}:{line('error_budget:')}: contract.promotion_gate.error_budget: expected a number",
    ]
    found = [p for p in problems(project) if p.startswith(str(case_file))]
    assert len(found) == 3
    assert all(p.startswith(e) for p, e in zip(found, expected, strict=True)), found
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOGO_ROOT", raising=False)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code != 0
    shown = case_file.relative_to(project.root).as_posix()  # nogo check names files from the project folder
    listed = [row for row in result.output.splitlines() if row.startswith(f"- {shown}:")]
    assert [row[2:] for row in listed] == [p.replace(str(case_file), shown, 1) for p in found]


def test_nogo_check_names_a_notebook_that_runs_another_case(tmp_path):
    """A notebook copied from another case (or the template) and its case_id left as it was is a
    problem `nogo check` names, not something only the test suite catches."""
    project = nogo.Project(shared.copy_project(tmp_path / "project", shared.project().root))
    case_id = shared.case_ids()[0]
    path = project.notebooks / f"{case_id}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace(f'case_id = "{case_id}"', 'case_id = "template"')
    assert "template" in cell.source
    nbformat.write(nb, path)
    found = problems(project)
    assert found == [
        f"notebooks/{case_id}.ipynb: the parameters cell sets case_id = 'template'; expected {case_id!r} "
        "(a notebook runs its own case)"
    ]


def test_nogo_check_names_a_case_with_no_decision_log(tmp_path):
    """A case file with neither a module of its own nor a `segments` section cannot be built: named."""
    project = nogo.Project(shared.copy_project(tmp_path / "project", shared.project().root))
    case_id = next(c for c in shared.case_ids() if "segments:" not in (project.casebook / f"{c}.yaml").read_text())
    new = "no-log-case"
    text = (project.casebook / f"{case_id}.yaml").read_text().replace(case_id, new)
    (project.casebook / f"{new}.yaml").write_text(text)
    nb = nbformat.read(project.notebooks / f"{case_id}.ipynb", as_version=4)
    for cell in nb.cells:
        cell.source = cell.source.replace(case_id, new)
    nbformat.write(nb, project.notebooks / f"{new}.ipynb")
    found = [f for f in problems(project) if "no-log-case.yaml" in f]
    assert len(found) == 1 and "no decision log to build: add a `segments` section" in found[0], found


def test_nogo_check_names_code_that_shows_and_prose_printed_in_monospace(tmp_path):
    """Reader mode is part of the casebook's check: a notebook whose code cell is unfolded, or that prints a
    sentence, is listed with its cell (issue 15, item 1); every committed notebook passes."""
    import json

    root = shared.copy_project(tmp_path / "project", shared.project().root)
    project = nogo.Project(root)
    assert [p for p in problems(project) if "code shows" in p or "monospace" in p] == []
    path = project.notebooks / "start-here.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    k = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and "parameters" not in
             c["metadata"].get("tags", []))  # fmt: skip
    nb["cells"][k]["metadata"].pop("jupyter")
    nb["cells"][k]["source"] = "print('The best cap is $15,633')"
    path.write_text(json.dumps(nb), encoding="utf-8")
    found = [p for p in problems(project) if p.startswith(f"notebooks/start-here.ipynb, cell {k + 1}:")]
    assert len(found) == 2 and "code shows" in found[0] and "monospace" in found[1], found


def test_nogo_check_names_a_case_without_pm_concepts(tmp_path):
    """Every case says which PM concepts it trains (the README's table shows them): a case file without
    the list is a problem named by file and field, and a concept outside the vocabulary is refused."""
    project = nogo.Project(shared.copy_project(tmp_path / "project", shared.project().root))
    case_id = shared.case_ids()[0]
    path = project.casebook / f"{case_id}.yaml"
    lines = path.read_text().splitlines()
    concepts = next(i for i, line in enumerate(lines) if line.startswith("concepts:"))
    path.write_text("\n".join(lines[:concepts] + lines[concepts + 1 :]) + "\n")
    found = [f for f in problems(project) if not f.startswith("README.md")]  # its table changed too
    assert found == [
        f"casebook/{case_id}.yaml: concepts: missing; expected the PM concepts the case trains, one or more "
        f"of {', '.join(nogo.CONCEPTS)}"
    ]
    lines[concepts] = "concepts: [cost-of-error, vibes]"
    path.write_text("\n".join(lines) + "\n")
    found = [f for f in problems(project) if not f.startswith("README.md")]
    assert len(found) == 1 and f"{case_id}.yaml:{concepts + 1}: concepts[1]" in found[0], found
    assert "vibes" in found[0] and "autonomy-surface" in found[0], found


def test_readme_table_shows_each_cases_concepts():
    cases = shared.project().cases()
    table = readme_table(cases)
    for case in cases:
        row = next(line for line in table.splitlines() if f"[`{case.id}`]" in line)
        assert f"| {', '.join(case.concepts)} |" in row
