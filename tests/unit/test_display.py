"""notebook_setup: pandas tables are shown in a mathjax_ignore wrapper under IPython, and nothing
breaks outside it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from types import SimpleNamespace

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

import nogo
from nogo.charts.display import register_math_safe_tables
from nogo.formatting import html_dollars

FRAME = pd.DataFrame({"item": ["range", "two"], "price": ["$200-$300", "$1,234"]})


@pytest.fixture
def restore_pandas_options():
    yield
    pd.reset_option("display.max_colwidth")
    pd.reset_option("display.precision")


def test_outside_ipython_setup_runs_and_registers_nothing(restore_pandas_options):
    from IPython import get_ipython

    if get_ipython() is not None:  # pragma: no cover - only when the suite runs inside IPython
        pytest.skip("running under IPython")
    nogo.notebook_setup()
    assert register_math_safe_tables() is False
    assert "$200-$300" in FRAME._repr_html_()  # pandas itself is untouched


def test_tables_are_wrapped_by_the_registered_formatter():
    shell = SimpleNamespace(display_formatter=DisplayFormatter())
    plain, _ = shell.display_formatter.format(FRAME)
    assert html_dollars(plain["text/html"]) == 3  # what JupyterLab would see without the formatter
    assert register_math_safe_tables(shell) is True
    data, _ = shell.display_formatter.format(FRAME)
    assert data["text/html"].startswith('<div class="mathjax_ignore tex2jax_ignore">')
    assert html_dollars(data["text/html"]) == 0 and "$200-$300" in data["text/html"]
    assert data["text/plain"] == plain["text/plain"]
    styled, _ = shell.display_formatter.format(FRAME.style)
    assert styled["text/html"].startswith('<div class="mathjax_ignore tex2jax_ignore">')
    assert html_dollars(styled["text/html"]) == 0
    with pd.option_context("display.notebook_repr_html", False):  # no HTML: the text still shows
        data, _ = shell.display_formatter.format(FRAME)
        assert "text/html" not in data and "$200-$300" in data["text/plain"]


def test_notebook_setup_registers_the_formatter_in_an_interactive_shell(tmp_path):
    """A real InteractiveShell, in a fresh interpreter so no shell leaks into the other tests."""
    script = textwrap.dedent(
        """
        from IPython.core.interactiveshell import InteractiveShell
        from traitlets.config import Config
        import pandas as pd
        import nogo

        config = Config()
        config.HistoryManager.hist_file = ":memory:"
        shell = InteractiveShell.instance(config=config)
        frame = pd.DataFrame({"price": ["$200-$300"]})
        before = shell.display_formatter.format(frame)[0]["text/html"]
        nogo.notebook_setup()
        after = shell.display_formatter.format(frame)[0]["text/html"]
        styled = shell.display_formatter.format(frame.style)[0]["text/html"]
        print(before.startswith("<div>"), after.startswith('<div class="mathjax_ignore tex2jax_ignore">'),
              styled.startswith('<div class="mathjax_ignore tex2jax_ignore">'))
        """
    )
    env = {**os.environ, "IPYTHONDIR": str(tmp_path / "ipython")}  # leave the user's profile alone
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "True"]
