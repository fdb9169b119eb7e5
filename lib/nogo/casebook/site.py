"""The static casebook: executed notebooks as HTML pages plus an index, readable with no server.

Pages come from nbconvert's ``lab`` template with images embedded. Charts are already inline SVG in the
executed notebooks (the ``svg`` renderer), so a page needs no JavaScript to show them; the template's
scripts that would load from a CDN (RequireJS, MathJax, Mermaid) are left out, so the site opens from disk
with no network at all.

A page reads like prose: code is hidden until the reader ticks **Show code** in the bar at the top (a
checkbox and a stylesheet, no script); every drill's widget, which needs a live kernel, is replaced by a
card saying what the drill asks and how to practise it (:mod:`nogo.casebook.drill_cards`); the bar and a
pager at the bottom lead to the previous and next page in reading order and to the index
(:mod:`nogo.casebook.site_pages`). Where the notebook's reader note names JupyterLab's menu, the page
names its own toggle, and a case page says its brief once (:mod:`nogo.casebook.site_text`).

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

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import nbformat

from nogo.casebook.drill_cards import replace_widgets
from nogo.casebook.site_pages import (
    APP_NOTEBOOKS,
    SitePage,
    first_paragraph,
    index_html,
    page_chrome,
    page_position,
    reading_order,
)
from nogo.casebook.site_text import brief_once, static_reader_note
from nogo.cases.project import Project

__all__ = ["REVEAL_TAGS", "build_site", "is_reveal", "notebook_html"]

_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I)


REVEAL_TAGS: frozenset[str] = frozenset({"hide-output", "reveal", "solution"})
"""Cell tags that make a cell a reveal (beside ``jupyter.outputs_hidden``)."""

# the lab template with no script from the network, the page's bar and pager, and every reveal cell
# wrapped in a closed <details> (marked empty when it has no output, so it hides with the code)
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block html_head_css %}<style>{{ resources.nogo_style }}</style>{% endblock html_head_css %}
{%- block body_header -%}
<body class="jp-Notebook nogo-page" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.nogo_bar }}
<main>
{%- endblock body_header -%}
{% block body_footer %}
</main>
{{ resources.nogo_pager }}
</body>
{% endblock body_footer %}
{% block codecell %}
{%- if cell.metadata.get('nogo_reveal') -%}
<details class="nogo-reveal{{ '' if cell.outputs else ' nogo-empty' }}">
<summary>{{ cell.metadata.get('nogo_reveal') }}</summary>
{{ super() }}
</details>
{%- else -%}
{{ super() }}
{%- endif -%}
{% endblock codecell %}
"""


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


def _case_id(nb: nbformat.NotebookNode) -> str | None:
    """The ``case_id`` the notebook's parameters cell sets, if any."""
    for cell in nb.cells:
        if "parameters" in (cell.metadata.get("tags") or ()):
            found = re.search(r"""^case_id\s*=\s*["']([^"']+)["']""", cell.source, re.M)
            return found.group(1) if found else None
    return None


def notebook_html(
    path: str | Path | nbformat.NotebookNode,
    title: str | None = None,
    *,
    project: Project | None = None,
    prev: SitePage | None = None,
    nxt: SitePage | None = None,
    where: str = "",
) -> str:
    """One executed notebook as a self-contained HTML page with no references to the network.

    ``path`` is a notebook file or an already-read notebook. Code is hidden until the reader asks for it;
    each drill's widget becomes a card (its case file read from ``project``, when given); reveal cells
    (:func:`is_reveal`) are inside closed ``<details>`` elements; ``prev`` and ``nxt`` are the pages the
    bar and the pager link to, beside the index; ``where`` says in the bar where the page sits
    ("Case 2 of 3").
    """
    import jinja2
    from nbconvert import HTMLExporter

    from nogo.casebook.site_pages import STYLE

    if isinstance(path, nbformat.NotebookNode):
        nb, name = nbformat.from_dict(path), title or "notebook"
        stem = name
    else:
        nb, stem = nbformat.read(str(path), as_version=4), Path(path).stem
        name = title or stem
    for cell in nb.cells:
        if is_reveal(cell):
            kind = "solution" if "hide-input" in (cell.metadata.get("tags") or ()) else "answer"
            cell.metadata["nogo_reveal"] = f"Show the {kind}"

    def case_of(case_id: str) -> Any:
        try:
            return project.case(case_id) if project is not None else None
        except Exception:  # an unknown case: the card splits its lists without the case file's items
            return None

    case_id = _case_id(nb)
    replace_widgets(nb, notebook=stem, case_id=case_id, case_of=case_of)
    static_reader_note(nb)  # the page's Show code toggle, not JupyterLab's menu
    if case_id is not None:
        brief_once(nb, case_of(case_id))  # the opening and the case file's brief, said once
    nb.metadata["title"] = name
    exporter = HTMLExporter(
        template_name="lab",
        embed_images=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        extra_loaders=[jinja2.DictLoader({"nogo_site.html.j2": _TEMPLATE})],
        template_file="nogo_site.html.j2",
    )
    bar, pager = page_chrome(prev, nxt, where)
    resources = {"metadata": {"name": name}, "nogo_style": STYLE, "nogo_bar": bar, "nogo_pager": pager}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _EXTERNAL_SCRIPT.sub("", body)  # a template's script from the network, should one come back
    return _EXTERNAL_LINK.sub("", body)


def _headings(executed: Path, names: list[str]) -> dict[str, tuple[str, str]]:
    """Each notebook's first heading and paragraph (its title and summary on the index)."""
    found = {}
    for name in names:
        nb = nbformat.read(str(executed / f"{name}.ipynb"), as_version=4)
        first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
        found[name] = first_paragraph(first.source) if first is not None else (name, "")
    return found


def build_site(project: Project, executed: Path, out: Path) -> Path:
    """Write a page per executed notebook in ``executed`` (but coaching and templates) and ``index.html``.

    Pages are in reading order (start-here, then the cases in the casebook's order), each linked to the
    previous, the next and the index. Returns the index's path.
    """
    out.mkdir(parents=True, exist_ok=True)
    cases = project.cases()
    names = sorted(p.stem for p in executed.glob("*.ipynb"))
    pages = reading_order(cases, names, _headings(executed, [n for n in names if not n.startswith("_")]))
    for k, page in enumerate(pages):
        prev = pages[k - 1] if k > 0 else None
        nxt = pages[k + 1] if k + 1 < len(pages) else None
        text = notebook_html(
            executed / f"{page.name}.ipynb", page.title, project=project, prev=prev, nxt=nxt,
            where=page_position(page, pages),
        )  # fmt: skip
        (out / page.href).write_text(text, encoding="utf-8")
    index = out / "index.html"
    coaching = bool(APP_NOTEBOOKS & set(names))  # a session can be run: say how
    index.write_text(index_html(pages, cases, coaching=coaching), encoding="utf-8")
    return index
