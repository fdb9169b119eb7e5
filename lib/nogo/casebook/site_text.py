"""What a static page says differently from its notebook: the brief once, and its own code toggle.

Two small rules the site builder applies to a notebook before rendering it (the notebook is not changed):

**The brief once.** A case notebook opens with its brief as prose (**What happened.**, **The decision you
own.**) and then, as the template's setup cell does, shows the case file's brief: the title, the
incident summary and the decision. On a page that says the brief twice in a row. So, where such an output
follows an opening that tells the same parts (:func:`brief_once`): the case file's title goes (the page's
heading is the title); its summary is folded into a closed ``<details>`` ("What happened, in the case
file's words": its published figures stay one click away); and the decision is said once, in the case
file's words (the ones the index shows), where the opening only announced it.

**The page's own code toggle.** A notebook tells its reader how JupyterLab shows folded code (*View >
Expand All Code*); a static page has no such menu but a **Show code** toggle in its bar. Each block of
Markdown (a paragraph or a list item) that names :data:`LAB_CODE_CONTROL` is said again for the page
(:func:`static_reader_note`), keeping its bullet, its italics and a lead-in ("*Reading:*").

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
...     "# A case\\n\\n*Code is folded: to see it, choose View > Expand All Code in JupyterLab.*")])
>>> static_reader_note(nb)
1
>>> print(nb.cells[0].source[:62])
# A case
<BLANKLINE>
*Code is hidden so the page reads as prose, numbers,
>>> "**Show code** at the top of the page" in nb.cells[0].source, "JupyterLab" in nb.cells[0].source
(True, False)
"""

from __future__ import annotations

import html
import re
from typing import Any

import nbformat

__all__ = ["LAB_CODE_CONTROL", "STATIC_CODE_NOTE", "brief_once", "static_reader_note"]

LAB_CODE_CONTROL = "Expand All Code"
"""The JupyterLab command a notebook's reader note names (View > Expand All Code)."""
STATIC_CODE_NOTE = (
    "code is hidden so the page reads as prose, numbers, charts and drills: **Show code** at the top of "
    "the page shows it."
)
"""What a static page says instead (its bar's toggle), as Markdown; capitalised where it opens a sentence."""

_BLOCKS = re.compile(r"\n[ \t]*\n")
_ITEM = re.compile(r"^(?=[-*] )", re.M)  # where a list item starts
_LEAD = re.compile(  # a bullet; then a lead-in in bold or italics ("*Reading:* "), or italics around it all
    r"^(?P<bullet>[-*] +)?(?:(?P<label>(?P<mark>\*\*?)[^*\n]+[.:](?P=mark) +)|(?P<italic>\*(?!\*)))?"
)
_PARAGRAPH = re.compile(r"<p>(?P<body>.*?)</p>\s*", re.S)
_WHAT_HAPPENED = re.compile(r"^\*\*What happened\b")
_DECISION = re.compile(r"^\*\*The decision you own\b")
_DECISION_LABEL = "<strong>The decision you own:</strong> "


def _names_lab(text: str) -> bool:
    """Whether ``text`` names JupyterLab's command, however its lines break."""
    return LAB_CODE_CONTROL in " ".join(text.split())


def _note(block: str) -> str:
    """One Markdown block (a paragraph or a list item) naming JupyterLab's command, said for the page."""
    lead = _LEAD.match(block)
    bullet, italic, label = (lead.group(k) or "" for k in ("bullet", "italic", "label"))
    note = STATIC_CODE_NOTE if label else STATIC_CODE_NOTE[0].upper() + STATIC_CODE_NOTE[1:]
    return f"{bullet}{italic}{label}{note}{italic}"


def _rewrite(block: str) -> str:
    if not _names_lab(block):
        return block
    items = _ITEM.split(block)
    if len(items) > 1 or block.lstrip().startswith(("- ", "* ")):  # a list: say again only its item
        said = (_note(item.strip()) + "\n" if _names_lab(item) else item for item in items)
        return "".join(said).rstrip("\n")
    return _note(block.strip())


def static_reader_note(nb: nbformat.NotebookNode) -> int:
    """Say, in place, each Markdown block that names JupyterLab's :data:`LAB_CODE_CONTROL` as the static
    page's own :data:`STATIC_CODE_NOTE`; return how many blocks were said again."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown" or not _names_lab(cell.source):
            continue
        blocks = _BLOCKS.split(cell.source)
        count += sum(_names_lab(b) for b in blocks)
        cell.source = "\n\n".join(_rewrite(b) for b in blocks)
    return count


def _words(text: str) -> str:
    """Plain words of Markdown or HTML text: tags, emphasis, escapes and line breaks do not count.

    >>> _words("<b>Two</b> bots, \\\\$23.7 *million*") == _words("Two bots, $23.7 million")
    True
    """
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\\", "")
    return " ".join(re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", " ", text).split())


def _brief_output(nb: nbformat.NotebookNode, case: Any) -> tuple[dict, str, dict[str, re.Match]] | None:
    """The first output showing the case file's brief: (output, its HTML, its title, summary and decision
    paragraphs by part); None when no output shows the title with the summary or the decision."""
    want = {
        "title": _words(case.title),
        "summary": _words(case.incident.summary),
        "decision": _words(case.incident.decision),
    }
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else ():
            text = (out.get("data") or {}).get("text/html")
            if out.get("output_type") not in ("display_data", "execute_result") or not text:
                continue
            text = "".join(text) if isinstance(text, list) else str(text)
            parts: dict[str, re.Match] = {}
            for para in _PARAGRAPH.finditer(text):
                said = _words(para.group("body"))
                for part, words in want.items():
                    if part not in parts and (said == words or (part == "decision" and said.endswith(words))):
                        parts[part] = para
                        break
            if "title" in parts and len(parts) > 1:
                return out, text, parts
    return None


def brief_once(nb: nbformat.NotebookNode, case: Any) -> bool:
    """Make a case page say its brief once (see the module docstring), in place; whether anything changed.

    ``case`` is the page's case file (its ``title`` and ``incident.summary`` / ``incident.decision``).
    Only a part the notebook's opening (its first Markdown cell) also tells is taken out of view.
    """
    opening = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    found = _brief_output(nb, case) if opening is not None and case is not None else None
    if found is None:
        return False
    out, text, parts = found
    blocks = _BLOCKS.split(opening.source)
    heading = next((b for b in blocks if b.lstrip().startswith("#")), "")
    edits: dict[str, str] = {}  # part -> what the page shows in its place
    title = heading.lstrip("# ").splitlines()[0] if heading else ""
    if _words(title) == _words(case.title):
        edits["title"] = ""  # the page's heading is the title
    fold = ""
    if "summary" in parts and any(_WHAT_HAPPENED.match(b.lstrip()) for b in blocks):
        edits["summary"] = ""
        fold = (
            '<details class="nogo-reveal"><summary>What happened, in the case file\'s words</summary>'
            f"<p>{parts['summary'].group('body')}</p></details>\n"
        )
    said = [b for b in blocks if _DECISION.match(b.lstrip())]
    if "decision" in parts and said:  # the decision once, in the case file's words (as the index says it)
        body = parts["decision"].group("body")
        labelled = body if _words(body).startswith("The decision you own") else _DECISION_LABEL + body
        edits["decision"] = f"<p>{labelled}</p>\n" + fold  # the decision, then the folded summary
        opening.source = "\n\n".join(b for b in blocks if b not in said)
    elif fold:
        edits["summary"] = fold
    if not edits:
        return False
    for part in sorted(edits, key=lambda k: parts[k].start(), reverse=True):  # cut from the end
        text = text[: parts[part].start()] + edits[part] + text[parts[part].end() :]
    out["data"] = {"text/html": text}
    return True
