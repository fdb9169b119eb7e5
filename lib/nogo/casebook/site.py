"""The static casebook: executed notebooks as HTML pages plus an index, readable with no server.

Pages come from nbconvert's ``lab`` template with images embedded. Charts are already inline SVG in the
executed notebooks (the ``svg`` renderer), so a page needs no JavaScript to show them; the template's
links to CDN scripts (RequireJS, MathJax) are removed so the site opens with no network at all.

A reveal is a closed ``<details>`` element: a cell the notebook collapses for the learner to open (an
exercise's solution, an answer: see :func:`is_reveal`) is rendered, input and output, inside
``<details class="nogo-reveal">`` with a summary to click, never open, so the page shows no answer until
the reader asks for it.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[
...     nbformat.v4.new_markdown_cell("## Try it"),
...     nbformat.v4.new_code_cell("print(42)", metadata={"tags": ["hide-input"],
...                               "jupyter": {"source_hidden": True, "outputs_hidden": True}},
...                               outputs=[nbformat.v4.new_output("stream", text="the answer is 42\\n")])])
>>> page = notebook_html(nb)
>>> reveal = page[page.index("<details"):page.index("</details>")]
>>> '<details class="nogo-reveal">' in page, "the answer is 42" in reveal, page.count("the answer is 42")
(True, True, 1)
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from nogo.casebook.catalogue import case_table
from nogo.cases.project import Project

__all__ = ["REVEAL_TAGS", "build_site", "is_reveal", "notebook_html"]

_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I)


REVEAL_TAGS: frozenset[str] = frozenset({"hide-output", "reveal", "solution"})
"""Cell tags that make a cell a reveal (beside ``jupyter.outputs_hidden``)."""

# the lab template, with every reveal cell wrapped in a closed <details>
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{% block codecell %}
{%- if cell.metadata.get('nogo_reveal') -%}
<details class="nogo-reveal"><summary>{{ cell.metadata.get('nogo_reveal') }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock codecell %}
"""
_REVEAL_STYLE = (
    "<style>details.nogo-reveal{border:1px solid #ccc;border-radius:4px;padding:0.3rem 0.6rem;"
    "margin:0.5rem 0}details.nogo-reveal>summary{cursor:pointer;color:#264653;font-weight:600}</style>"
)


def is_reveal(cell: Mapping[str, Any]) -> bool:
    """Whether a notebook cell is a reveal: its outputs are collapsed until the learner opens them.

    A code cell is a reveal when its metadata has ``jupyter.outputs_hidden`` true or one of
    :data:`REVEAL_TAGS` (an exercise's solution cell sets ``jupyter.source_hidden``,
    ``jupyter.outputs_hidden`` and the ``hide-input`` tag).

    Examples
    --------
    >>> is_reveal({"cell_type": "code", "metadata": {"jupyter": {"outputs_hidden": True}}})
    True
    >>> is_reveal({"cell_type": "code", "metadata": {"tags": ["hide-input"]}})
    False
    """
    if cell.get("cell_type") != "code":
        return False
    meta = cell.get("metadata") or {}
    return bool((meta.get("jupyter") or {}).get("outputs_hidden")) or bool(
        REVEAL_TAGS & set(meta.get("tags") or ())
    )


def notebook_html(path: str | Path | nbformat.NotebookNode, title: str | None = None) -> str:
    """One executed notebook as a self-contained HTML page with no references to the network.

    ``path`` is a notebook file or an already-read notebook. Reveal cells (:func:`is_reveal`) are inside
    closed ``<details>`` elements.
    """
    import jinja2
    from nbconvert import HTMLExporter

    if isinstance(path, nbformat.NotebookNode):
        nb, name = nbformat.from_dict(path), title or "notebook"
    else:
        nb, name = nbformat.read(str(path), as_version=4), title or Path(path).stem
    for cell in nb.cells:
        if is_reveal(cell):
            kind = "solution" if "hide-input" in (cell.metadata.get("tags") or ()) else "answer"
            cell.metadata["nogo_reveal"] = f"Show the {kind}"
    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,
        extra_loaders=[jinja2.DictLoader({"nogo_site.html.j2": _TEMPLATE})],
        template_file="nogo_site.html.j2",
    )
    exporter.mathjax_url = ""
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": name}})
    body = body.replace("</head>", _REVEAL_STYLE + "</head>", 1)
    body = _MATHJAX.sub("", body)
    body = _EXTERNAL_SCRIPT.sub("", body)
    body = _EXTERNAL_LINK.sub("", body)
    body = re.sub(r"<script[^>]*\bsrc=[\"'][\"'][^>]*>\s*</script>", "", body)
    return body


_STYLE = """
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 70rem;
       color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { margin-bottom: 0.2rem; } p.lede { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; } td.models { color: #555; } a { color: #264653; }
"""


def build_site(project: Project, executed: Path, out: Path) -> Path:
    """Write one page per executed notebook in ``executed`` and ``index.html`` to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    cases = project.cases()
    titles = {c.id: c.title for c in cases}
    pages = []
    for nb_path in sorted(executed.glob("*.ipynb")):
        name = nb_path.stem
        (out / f"{name}.html").write_text(notebook_html(nb_path, titles.get(name, name)), encoding="utf-8")
        pages.append(name)
    table = case_table(project, cases)
    rows = []
    for r in table.itertuples():
        link = (
            f'<a href="{html.escape(r.case)}.html">{html.escape(r.title)}</a>'
            if r.case in pages
            else (html.escape(r.title))
        )
        rows.append(
            f"<tr><td>{link}<br><code>{html.escape(r.case)}</code></td><td>{html.escape(r.when)}</td>"
            f"<td>{html.escape(r.domain)}</td><td class='models'>{html.escape(r.models)}</td>"
            f"<td>{html.escape(r.sources)}</td></tr>"
        )
    extras = [p for p in pages if p not in titles]
    extra_links = " · ".join(f'<a href="{html.escape(p)}.html">{html.escape(p)}</a>' for p in extras)
    body = "\n".join(rows) or "<tr><td colspan='5'>No cases yet.</td></tr>"
    index = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>No-Go casebook</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head>
<body>
<h1>No-Go casebook</h1>
<p class="lede">Real AI-agent failures, reconstructed from public figures: when should the agent act,
when should it hand the decision to a person, and when should it not be built at all?</p>
<p>Start here: {extra_links or "(no extra notebooks)"}</p>
<table>
<thead><tr><th>case</th><th>when</th><th>domain</th><th>models</th><th>sources</th></tr></thead>
<tbody>
{body}
</tbody></table>
<p class="lede">Reconstructions are synthetic data calibrated to the published figures each case cites.</p>
</body></html>
"""
    path = out / "index.html"
    path.write_text(index, encoding="utf-8")
    return path
