"""nogo.say: sentences computed in a cell, shown as rendered Markdown, never as a monospace print."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

import nogo
from nogo.formatting import html_dollars, say


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]


def _parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def test_markdown_renders_and_dollars_stay_dollars():
    html = say("A wrong price costs **$48,000**; a review $25.00 and $30.00.")._repr_html_()
    assert "<strong>$48,000</strong>" in html
    assert html_dollars(html) == 0  # inside the maths-ignore wrapper: no dollar typesets as maths


@pytest.mark.parametrize(
    "hostile",
    ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "<iframe src=//evil>", "[x](javascript:alert(1))"],
)
def test_text_from_a_case_file_or_a_learner_cannot_inject_markup(hostile):
    tags = _parse(say(f"Learner: {hostile}")._repr_html_())
    assert not {"script", "img", "iframe"} & set(tags.tags)
    assert not [a for a in tags.attrs if a.startswith("on") or a == "src"]
    assert "javascript:" not in say(f"Learner: {hostile}")._repr_html_().replace("&quot;", "")


def test_plain_text_copy_is_the_markdown_and_paragraphs_join_with_a_blank_line():
    p = say("First.", "Second.")
    assert repr(p) == str(p) == "First.\n\nSecond."
    assert _parse(p._repr_html_()).tags.count("p") == 2


def test_a_paragraph_that_is_not_text_is_a_clear_error():
    with pytest.raises(nogo.InputError, match="say: paragraph 2 must be text, got float"):
        say("ok", 3.5)


def test_escaped_text_shows_its_markup_as_is():
    html = say(nogo.formatting.escape_markdown("a *star* and [link](x)"))._repr_html_()
    assert "<em>" not in html and "<a " not in html and "*star*" in html
