"""The casebook as a whole: the case index, and every consistency check ``nogo check`` runs.

One id names ``casebook/<id>.yaml``, ``notebooks/<id>.ipynb`` and ``data/<id>/``; the README's case
table is generated from the case files (between the ``cases:start`` and ``cases:end`` markers), and a
check fails when any of them drift apart. Every notebook is also checked for dollar amounts that
JupyterLab would typeset as maths (:func:`math_problems`).
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

import pandas as pd

from nogo.casebook.datasets import check_snapshots
from nogo.casebook.notebooks import EXTRA_NOTEBOOKS, parameters_cell
from nogo.casebook.reader import reader_problems
from nogo.cases.case import open_case
from nogo.cases.casefile import CONCEPTS, CaseFile, CaseFileError, load_case
from nogo.cases.project import Project
from nogo.errors import NogoError
from nogo.formatting import html_dollars, looks_like_money, markdown_maths

__all__ = [
    "case_index",
    "case_table",
    "math_problems",
    "notebook_math_problems",
    "problems",
    "readme_table",
    "readme_table_problems",
    "write_readme_table",
]

START, END = "<!-- cases:start -->", "<!-- cases:end -->"


def case_table(project: Project | None = None, cases: list[CaseFile] | None = None) -> pd.DataFrame:
    """One row per case: id, title, domain, when, models, PM concepts, status, sources."""
    cases = (project or Project.find()).cases() if cases is None else cases
    return pd.DataFrame(
        [
            {
                "case": c.id,
                "title": c.title,
                "domain": c.domain,
                "when": c.incident.when,
                "models": ", ".join(c.models),
                "concepts": ", ".join(c.concepts),
                "status": c.status,
                "sources": "; ".join(f"{s.publisher} ({s.date})" for s in c.sources),
            }
            for c in cases
        ],
        columns=["case", "title", "domain", "when", "models", "concepts", "status", "sources"],
    )


def case_index(project: Project | None = None) -> pd.DataFrame:
    """The case index for a notebook: the case table with a link to each case notebook."""
    table = case_table(project)
    table.insert(1, "notebook", [f"{c}.ipynb" for c in table["case"]])
    return table


def readme_table(cases: list[CaseFile]) -> str:
    """The Markdown case table the README holds between its markers."""
    lines = [
        "| case | what happened | domain | when | PM concepts it trains | models |",
        "|---|---|---|---|---|---|",
    ]
    for c in cases:
        title = c.title.replace("|", "\\|")
        lines.append(
            f"| [`{c.id}`](notebooks/{c.id}.ipynb) | {title} | {c.domain} | {c.incident.when} | "
            f"{', '.join(c.concepts)} | {', '.join(c.models)} |"
        )
    if not cases:
        lines.append("| (no cases yet) | | | | | |")
    return "\n".join(lines)


def _readme_parts(project: Project) -> tuple[str, str, str] | None:
    text = (project.root / "README.md").read_text(encoding="utf-8")
    match = re.search(re.escape(START) + r"\n(.*?)\n?" + re.escape(END), text, flags=re.S)
    if not match:
        return None
    return text[: match.start(1)], match.group(1), text[match.end(1) :]


def readme_table_problems(project: Project, cases: list[CaseFile] | None = None) -> list[str]:
    """Whether the README's case table matches the (valid) case files."""
    parts = _readme_parts(project)
    if parts is None:
        return [f"README.md: no case table between {START} and {END}"]
    if parts[1].strip() != readme_table(project.cases() if cases is None else cases).strip():
        return ["README.md: the case table is out of date with the case files (run `nogo index`)"]
    return []


def write_readme_table(project: Project) -> None:
    """Rewrite the README's case table from the case files."""
    parts = _readme_parts(project)
    if parts is None:
        raise NogoError(f"README.md: no case table between {START} and {END}")
    head, _, tail = parts
    path = project.root / "README.md"
    path.write_text(head + readme_table(project.cases()) + "\n" + tail, encoding="utf-8")


_MARKDOWN_FIX = (
    "JupyterLab typesets it even when written \\$: keep one \\$ per paragraph, list item or table cell, "
    'or wrap the paragraphs in <div class="mathjax_ignore tex2jax_ignore"> ... </div> with a blank line '
    "inside each tag (nogo.formatting.MARKDOWN_OPEN, MARKDOWN_CLOSE)"
)
_HTML_FIX = "wrap it in nogo.math_safe_html (tables: run nogo.notebook_setup() first)"


def _shown(tex: str) -> str:
    tex = re.sub(r"\s+", " ", tex)
    return "$" + (tex if len(tex) <= 40 else tex[:39] + "…") + "$"


def notebook_math_problems(nb: Any, name: str) -> list[str]:
    """Where dollar amounts in one notebook (a dict or NotebookNode) would render as maths in JupyterLab.

    A Markdown cell (or ``text/markdown`` output) is a problem when JupyterLab would typeset maths that
    starts with a number (money: ``$200-$300``, or ``\\$100 and \\$200`` in one paragraph); maths
    written on purpose (``$L$``) is left alone. A ``text/html`` output is a problem when two or more
    ``$`` are outside code and outside a ``mathjax_ignore`` wrapper (:func:`nogo.math_safe_html`).
    """
    found: list[str] = []

    def markdown(where: str, source: str) -> None:
        try:
            maths = [tex for tex in markdown_maths(source) if looks_like_money(tex)]
        except Exception as exc:  # a renderer failure must not hide the other problems
            found.append(f"{where}: cannot be checked for maths ({exc})")
            return
        for tex in maths:
            found.append(f"{where} renders {_shown(tex)} as maths: {_MARKDOWN_FIX}")

    for k, cell in enumerate(nb.get("cells", [])):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if cell.get("cell_type") == "markdown":
            markdown(f"{name}: cell {k}: Markdown", source)
        for j, out in enumerate(cell.get("outputs", [])):
            data = out.get("data", {})
            for mime in ("text/markdown", "text/html"):
                text = data.get(mime)
                if text is None:
                    continue
                text = "".join(text) if isinstance(text, list) else str(text)
                where = f"{name}: cell {k}: output {j}: {mime}"
                if mime == "text/markdown":
                    markdown(where, text)
                elif (n := html_dollars(text)) >= 2:
                    found.append(f"{where} has {n} '$' that MathJax reads as maths delimiters: {_HTML_FIX}")
    return found


def math_problems(project: Project) -> list[str]:
    """Dollar amounts that would render as maths in JupyterLab, in every notebook (templates too)."""
    found: list[str] = []
    for path in sorted(project.notebooks.glob("*.ipynb")):
        name = str(path.relative_to(project.root))
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            found.append(f"{name}: cannot be read ({exc})")
            continue
        found.extend(notebook_math_problems(nb, name))
    return found


def reader_mode_problems(project: Project) -> list[str]:
    """Breaks of reader mode in the casebook's notebooks (:func:`nogo.casebook.reader.reader_problems`:
    code that shows, prose printed in monospace); templates too."""
    found: list[str] = []
    for path in sorted(project.notebooks.glob("*.ipynb")):
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # math_problems names an unreadable notebook
        found.extend(reader_problems(nb, str(path.relative_to(project.root)).removesuffix(".ipynb")))
    return found


def _assigned(source: str, name: str) -> Any:
    """The literal a cell's code assigns to ``name`` at top level (None when it does not, or cannot parse).

    Examples
    --------
    >>> _assigned('case_id = "loan-steering"; seed = 1', "case_id")
    'loan-steering'
    >>> _assigned("seed = 1", "case_id") is None
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def problems(project: Project) -> list[str]:
    """Every problem in the casebook, each a line naming the file; empty when all is well.

    A case file contributes every problem it has (each with its line and field), not only the first.
    """
    found: list[str] = []
    cases: list[CaseFile] = []
    for path in project.case_files():
        try:
            cases.append(load_case(path))
        except CaseFileError as exc:  # every problem of the file, one a line
            found.extend(map(str, exc.problems))
        except NogoError as exc:
            found.append(str(exc))
    for template in sorted(project.casebook.glob("_*.yaml")):  # templates must stay valid to copy
        try:
            load_case(template)
        except CaseFileError as exc:
            found.extend(map(str, exc.problems))
        except NogoError as exc:
            found.append(str(exc))
    real_files = [p for p in project.case_files() if p.suffix == ".yaml" and p.is_file()]
    ids = {c.id for c in cases} | {p.stem for p in real_files}
    notebooks = {p.stem: p for p in project.notebooks.glob("*.ipynb") if not p.name.startswith("_")}
    for case_id in sorted(ids):
        if case_id not in notebooks:
            found.append(f"notebooks/{case_id}.ipynb: missing (case file casebook/{case_id}.yaml has none)")
    for name, path in sorted(notebooks.items()):
        if name not in ids and name not in EXTRA_NOTEBOOKS:
            found.append(f"{path.relative_to(project.root)}: no case file casebook/{name}.yaml")
        try:
            cell = parameters_cell(path)
        except Exception as exc:  # an unreadable notebook
            found.append(f"{path.relative_to(project.root)}: cannot be read ({exc})")
            continue
        if cell is None:
            found.append(f"{path.relative_to(project.root)}: no cell tagged 'parameters'")
        elif name in ids and (given := _assigned(cell.source, "case_id")) != name:
            found.append(
                f"{path.relative_to(project.root)}: the parameters cell sets case_id = {given!r}; expected "
                f"{name!r} (a notebook runs its own case)"
            )
    for case in cases:
        if not case.concepts:
            found.append(
                f"casebook/{case.id}.yaml: concepts: missing; expected the PM concepts the case trains, "
                f"one or more of {', '.join(CONCEPTS)}"
            )
        try:  # the case interface finds the case from its id: its own module, or the segment generator
            open_case(case, project.data)
        except NogoError as exc:
            found.append(f"casebook/{case.id}.yaml: {exc}")
        found.extend(check_snapshots(case, project.data))
    found.extend(readme_table_problems(project, cases))
    found.extend(math_problems(project))
    found.extend(reader_mode_problems(project))
    return found
