"""The static casebook: executed notebooks as HTML pages plus an index, readable with no server.

Pages come from nbconvert's ``lab`` template with images embedded. Charts are already inline SVG in the
executed notebooks (the ``svg`` renderer), so a page needs no JavaScript to show them; the template's
links to CDN scripts (RequireJS, MathJax) are removed so the site opens with no network at all.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

from nogo.casebook.catalogue import case_table
from nogo.cases.project import Project

__all__ = ["build_site", "notebook_html"]

_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc=[\"']https?://[^>]*>\s*</script>", re.I)
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_EXTERNAL_LINK = re.compile(r"<link[^>]*\bhref=[\"']https?://[^>]*>", re.I)


def notebook_html(path: str | Path, title: str | None = None) -> str:
    """One executed notebook as a self-contained HTML page with no references to the network."""
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(path), as_version=4)
    exporter = HTMLExporter(template_name="lab", embed_images=True)
    exporter.mathjax_url = ""
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or Path(path).stem}})
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
