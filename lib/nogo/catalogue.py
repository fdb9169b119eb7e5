"""The casebook as a whole: the case index, and every consistency check ``nogo check`` runs.

One id names ``casebook/<id>.yaml``, ``notebooks/<id>.ipynb`` and ``data/<id>/``; the README's case
table is generated from the case files (between the ``cases:start`` and ``cases:end`` markers), and a
check fails when any of them drift apart.
"""

from __future__ import annotations

import re

import pandas as pd

from nogo.casefile import CaseFile, load_case
from nogo.datasets import check_snapshots
from nogo.errors import NogoError
from nogo.notebooks import EXTRA_NOTEBOOKS, Project, parameters_cell

__all__ = [
    "case_index",
    "case_table",
    "problems",
    "readme_table",
    "readme_table_problems",
    "write_readme_table",
]

START, END = "<!-- cases:start -->", "<!-- cases:end -->"


def case_table(project: Project | None = None, cases: list[CaseFile] | None = None) -> pd.DataFrame:
    """One row per case: id, title, domain, when, models, status, sources."""
    cases = (project or Project.find()).cases() if cases is None else cases
    return pd.DataFrame(
        [
            {
                "case": c.id,
                "title": c.title,
                "domain": c.domain,
                "when": c.incident.when,
                "models": ", ".join(c.models),
                "status": c.status,
                "sources": "; ".join(f"{s.publisher} ({s.date})" for s in c.sources),
            }
            for c in cases
        ],
        columns=["case", "title", "domain", "when", "models", "status", "sources"],
    )


def case_index(project: Project | None = None) -> pd.DataFrame:
    """The case index for a notebook: the case table with a link to each case notebook."""
    table = case_table(project)
    table.insert(1, "notebook", [f"{c}.ipynb" for c in table["case"]])
    return table


def readme_table(cases: list[CaseFile]) -> str:
    """The Markdown case table the README holds between its markers."""
    lines = ["| case | what happened | domain | when | models |", "|---|---|---|---|---|"]
    for c in cases:
        title = c.title.replace("|", "\\|")
        lines.append(
            f"| [`{c.id}`](notebooks/{c.id}.ipynb) | {title} | {c.domain} | {c.incident.when} | "
            f"{', '.join(c.models)} |"
        )
    if not cases:
        lines.append("| (no cases yet) | | | | |")
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


def problems(project: Project) -> list[str]:
    """Every problem in the casebook, each a line naming the file; empty when all is well."""
    found: list[str] = []
    cases: list[CaseFile] = []
    for path in project.case_files():
        try:
            cases.append(load_case(path))
        except NogoError as exc:
            found.append(str(exc))
    for template in sorted(project.casebook.glob("_*.yaml")):  # templates must stay valid to copy
        try:
            load_case(template)
        except NogoError as exc:
            found.append(str(exc))
    ids = {c.id for c in cases} | {p.stem for p in project.case_files()}
    notebooks = {p.stem: p for p in project.notebooks.glob("*.ipynb") if not p.name.startswith("_")}
    for case_id in sorted(ids):
        if case_id not in notebooks:
            found.append(f"notebooks/{case_id}.ipynb: missing (case file casebook/{case_id}.yaml has none)")
    for name, path in sorted(notebooks.items()):
        if name not in ids and name not in EXTRA_NOTEBOOKS:
            found.append(f"{path.relative_to(project.root)}: no case file casebook/{name}.yaml")
        try:
            if parameters_cell(path) is None:
                found.append(f"{path.relative_to(project.root)}: no cell tagged 'parameters'")
        except Exception as exc:  # an unreadable notebook
            found.append(f"{path.relative_to(project.root)}: cannot be read ({exc})")
    for case in cases:
        found.extend(check_snapshots(case, project.data))
    found.extend(readme_table_problems(project, cases))
    return found
