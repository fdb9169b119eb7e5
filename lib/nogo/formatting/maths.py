"""Text a reader sees in JupyterLab, safe from maths typesetting, and a finder for what is not.

JupyterLab 4 sends Markdown cells, ``text/markdown`` and ``text/html`` outputs, and ipywidgets
descriptions and ``Label`` values through MathJax, which reads ``$...$`` as TeX: "costs $100 and $200"
shows "100 and" as italic maths. What was measured in JupyterLab 4.6 with MathJax 3 (``tests/browser``):

- **HTML outputs**: a ``mathjax_ignore`` class on an ancestor stops it; ``tex2jax_ignore`` (MathJax 2's
  name) does *not*. MathJax breaks its text at every tag, so ``$`` in two table cells stays text, but
  one cell holding "$200-$300" becomes maths. :func:`math_safe_html` wraps HTML in both classes.
- **ipywidgets**: the value of an ``HTML`` widget, button, toggle and dropdown labels are never
  typeset; a ``Label`` value and a description (checkbox, slider) are. There ``\\$`` shows as ``$``
  (MathJax's escapes): :func:`math_safe_text`.
- **Markdown**: ``\\$`` is *not* enough once two of them fall in one paragraph, list item or table cell:
  the Markdown renderer turns ``\\$`` into ``$`` before MathJax runs (jupyterlab/jupyterlab#8645).
  ``\\\\$`` works in JupyterLab but shows as ``\\$`` in the static build (nbconvert), so write ``\\$``
  (right in the static build, on GitHub, in one-dollar paragraphs) and wrap a cell that has more in
  :data:`MARKDOWN_OPEN` ... :data:`MARKDOWN_CLOSE`. Code spans and fenced code are safe as they are.

:func:`markdown_maths` and :func:`html_dollars` say what would still render as maths; ``nogo check``
(:func:`nogo.casebook.catalogue.math_problems`) runs them over every notebook.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = [
    "MARKDOWN_CLOSE",
    "MARKDOWN_OPEN",
    "MATH_IGNORE_CLASSES",
    "html_dollars",
    "looks_like_money",
    "markdown_maths",
    "math_safe_html",
    "math_safe_text",
]

MATH_IGNORE_CLASSES = "mathjax_ignore tex2jax_ignore"
"""Classes that stop maths typesetting: MathJax 3's (JupyterLab 4, honoured) and MathJax 2's."""
_OPEN = f'<div class="{MATH_IGNORE_CLASSES}">'
MARKDOWN_OPEN = _OPEN + "\n\n"
"""Start a Markdown cell with this (a blank line follows) and end it with :data:`MARKDOWN_CLOSE`."""
MARKDOWN_CLOSE = "\n\n</div>"


def math_safe_html(html: str) -> str:
    """``html`` in a ``<div>`` that JupyterLab's MathJax (and MathJax 2) leaves alone; idempotent.

    >>> math_safe_html("<td>$200-$300</td>")
    '<div class="mathjax_ignore tex2jax_ignore"><td>$200-$300</td></div>'
    >>> math_safe_html(math_safe_html("<p>$1</p>")) == math_safe_html("<p>$1</p>")
    True
    """
    if _wrapped(html):
        return html
    return f"{_OPEN}{html}</div>"


def _wrapped(html: str) -> bool:
    """Whether ``html`` is one wrapper ``<div>`` from its first character to its last."""
    if not (html.startswith(_OPEN) and html.endswith("</div>")):
        return False
    depth = 0
    for match in re.finditer(r"<(/?)div\b[^>]*>", html, flags=re.I):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.end() == len(html)
    return False


def math_safe_text(text: str) -> str:
    """``text`` for a widget description or ``Label``: ``$`` and ``\\`` escaped so MathJax shows them.

    >>> print(math_safe_text("cap changes above $50 and $100"))
    cap changes above \\$50 and \\$100
    >>> math_safe_text("no dollars")
    'no dollars'
    """
    if "$" not in text and "\\" not in text:
        return text
    return text.replace("\\", "\\\\").replace("$", "\\$")


# --- what JupyterLab would typeset ---------------------------------------------------------------

# JupyterLab's removeMath (@jupyterlab/rendermime latex.ts): math is cut out of Markdown before the
# Markdown renderer runs and put back after it; code spans and fences are protected first.
_SPLIT = re.compile(
    r"(\$\$?|\\(?:begin|end)\{[a-z]*\*?\}|\\[{}$]|[{}]|(?:\n\s*)+|@@\d+@@|\\\\[()\[\]])", re.I
)
_FENCE = re.compile(r"^(?P<fence>`{3,}|(?:~T){3,})[^`\n]*\n[\s\S]*?^(?P=fence)`*$", re.M)
_CODE_SPAN = re.compile(r"(^|[^\\])(`+)([^\n]*?[^`\n])\2(?!`)", re.M)


def _remove_math(text: str) -> tuple[str, list[str]]:
    """JupyterLab's removeMath: the text with math blocks replaced by ``@@n@@``, and the blocks."""
    protect = "`" in text or "~~~" in text
    if protect:
        text = text.replace("~", "~T")
        hide = lambda m: m.group(0).replace("$", "~D")  # noqa: E731
        text = _CODE_SPAN.sub(hide, _FENCE.sub(hide, text))
    blocks = _SPLIT.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    math: list[str] = []
    start = end = last = None
    braces = 0

    def cut(first: int, final: int) -> None:
        block = "".join(blocks[first : final + 1])
        block = block.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        for k in range(first + 1, final + 1):
            blocks[k] = ""
        blocks[first] = f"@@{len(math)}@@"
        math.append(block)

    i = 1
    while i < len(blocks):
        token = blocks[i]
        if token.startswith("@"):
            blocks[i] = f"@@{len(math)}@@"
            math.append(token)
        elif start is not None:
            if token == end:
                if braces:
                    last = i
                else:
                    cut(start, i)
                    start = end = last = None
            elif re.search(r"\n.*\n", token):
                if last is not None:
                    i = last
                    cut(start, i)
                start = end = last = None
                braces = 0
            elif token == "{":
                braces += 1
            elif token == "}" and braces:
                braces -= 1
        elif token in ("$", "$$"):
            start, end, braces = i, token, 0
        elif token in ("\\\\(", "\\\\["):
            start, end, braces = i, "\\\\)" if token.endswith("(") else "\\\\]", 0
        elif token[1:6] == "begin":
            start, end, braces = i, "\\end" + token[6:], 0
        i += 2
    if start is not None and last is not None:
        cut(start, last)
    out = "".join(blocks)
    if protect:
        out = re.sub(r"~([TD])", lambda m: "~" if m.group(1) == "T" else "$", out)
        math = [re.sub(r"~([TD])", lambda m: "~" if m.group(1) == "T" else "$", b) for b in math]
    return out, math


# MathJax 3's HTMLDomStrings: text is cut into strings at every tag except these; these subtrees are
# skipped; a ``mathjax_ignore`` class skips its subtree (``mathjax_process`` turns it back on).
_JOINING_TAGS = {"br": "\n", "wbr": ""}
_SKIPPED_TAGS = {"script", "noscript", "style", "textarea", "pre", "code", "annotation", "annotation-xml"}
_VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
              "wbr"}  # fmt: skip


class _Strings(HTMLParser):
    """The strings MathJax searches for maths in an HTML fragment, as the browser would build them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self._current: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, ignored)

    @property
    def _ignored(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def _push(self) -> None:
        if self._current:
            self.strings.append("".join(self._current))
        self._current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _JOINING_TAGS:
            if not self._ignored:
                self._current.append(_JOINING_TAGS[tag])
            return
        self._push()
        if tag in _VOID_TAGS:
            return
        classes = " ".join(v or "" for k, v in attrs if k == "class").split()
        process = "mathjax_process" in classes
        ignored = (self._ignored or "mathjax_ignore" in classes or tag in _SKIPPED_TAGS) and not process
        self._stack.append((tag, ignored))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _JOINING_TAGS:
            self.handle_starttag(tag, attrs)
        else:
            self._push()

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID_TAGS:
            return
        self._push()
        for k in range(len(self._stack) - 1, -1, -1):  # close up to the matching open tag
            if self._stack[k][0] == tag:
                del self._stack[k:]
                break

    def handle_data(self, data: str) -> None:
        if not self._ignored:
            self._current.append(data)

    def close(self) -> None:
        super().close()
        self._push()


def _strings(html: str) -> list[str]:
    parser = _Strings()
    parser.feed(html)
    parser.close()
    return parser.strings


# MathJax 3's FindTeX with JupyterLab's delimiters: $...$ and \(...\) inline, $$...$$ and \[...\]
# display, environments, and escapes (\$ shows a dollar).
_START = re.compile(r"\$\$|\$|\\\(|\\\[|\\begin\{([^}]*)\}|\\([\\$])")
_ENDS = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}


def _find_tex(text: str) -> list[str]:
    found, pos = [], 0
    while (match := _START.search(text, pos)) is not None:
        pos = match.end()
        if match.group(2) is not None:  # an escape: literal text
            continue
        close = _ENDS.get(match.group(0), f"\\end{{{match.group(1)}}}")
        pattern = re.compile(re.escape(close) + r"|\\.|[{}]", re.S)
        braces, k = 0, match.end()
        while (end := pattern.search(text, k)) is not None:
            k = end.end()
            if end.group(0) == close and braces == 0:
                found.append(text[match.end() : end.start()])
                pos = end.end()
                break
            if end.group(0) == "{":
                braces += 1
            elif end.group(0) == "}" and braces:
                braces -= 1
    return found


def _markdown_html(text: str) -> str:
    import mistune  # nbconvert's Markdown renderer, installed with it

    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    return str(render(text))


def markdown_maths(source: str) -> list[str]:
    """The TeX JupyterLab 4 would typeset in a Markdown cell (or ``text/markdown`` output), in order.

    It follows JupyterLab's pipeline: math cut out before the Markdown renderer, put back after it,
    then MathJax over the page's text, skipping code and ``mathjax_ignore`` subtrees.

    >>> markdown_maths("costs $100 and $200")
    ['100 and ']
    >>> markdown_maths(r"costs \\$100 and \\$200")  # the renderer drops the backslashes
    ['100 and ']
    >>> markdown_maths(r"- costs \\$100" + "\\n" + r"- and \\$200")  # two list items: two strings
    []
    >>> markdown_maths(MARKDOWN_OPEN + r"costs \\$100 and \\$200" + MARKDOWN_CLOSE)
    []
    >>> markdown_maths("balance $L$ at `$5` and $r$")
    ['L', 'r']
    """
    text, math = _remove_math(source)
    page = _markdown_html(text)
    put_back = lambda m: math[int(m[1])] if int(m[1]) < len(math) else m[0]  # noqa: E731
    page = re.sub(r"@@(\d+)@@", put_back, page)
    return [tex for string in _strings(page) for tex in _find_tex(string)]


def html_dollars(html: str) -> int:
    """How many ``$`` MathJax could read in ``html``: outside code and ``mathjax_ignore`` subtrees.

    Two or more make an output unsafe in some renderer, even where JupyterLab 4 happens to split them
    (one per table cell): :func:`math_safe_html` makes it 0.

    >>> html_dollars("<table><tr><td>$1,234</td><td>$5,678</td></tr></table>")
    2
    >>> html_dollars(math_safe_html("<p>$200-$300</p>")), html_dollars(r"<p>\\$1 <code>$x$</code></p>")
    (0, 0)
    """
    return sum(len(re.findall(r"(?<!\\)\$", s)) for s in _strings(html))


def looks_like_money(tex: str) -> bool:
    """Whether typeset TeX is a currency amount read as maths: it starts with a number.

    Maths written on purpose (``$L$``, ``$n$ months``) starts with a symbol; "$200-$300" typesets
    "200-" and "$100 and $200" typesets "100 and ".

    >>> looks_like_money("200-"), looks_like_money("1,730,045.91 (F1, F2). The"), looks_like_money("L\\\\,r")
    (True, True, False)
    """
    return re.match(r"\s*[-+]?[\d.,]*\d", tex) is not None
