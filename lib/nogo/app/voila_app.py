"""Voila with No-Go's templates: run by path, ``python .../nogo/app/voila_app.py NOTEBOOK [options]``.

Puts :data:`JUPYTER_DATA` (which holds ``voila/templates/nogo``) first on ``JUPYTER_PATH``, where Voila
looks for templates, then runs Voila with the given arguments. Run by its path (as
:func:`nogo.app.serve.voila_command` builds it), not with ``-m``, so the server process does not import
the ``nogo`` package.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

JUPYTER_DATA = Path(__file__).resolve().with_name("jupyter")
"""The Jupyter data folder holding ``voila/templates/nogo``."""


def jupyter_path(current: str | None) -> str:
    """``JUPYTER_PATH`` with :data:`JUPYTER_DATA` first.

    Examples
    --------
    >>> jupyter_path("/opt/jupyter") == os.pathsep.join([str(JUPYTER_DATA), "/opt/jupyter"])
    True
    """
    return os.pathsep.join([str(JUPYTER_DATA), *filter(None, [current])])


def main(argv: list[str] | None = None) -> None:
    """Run Voila on ``argv`` (default: this process's arguments) with No-Go's templates found."""
    os.environ["JUPYTER_PATH"] = jupyter_path(os.environ.get("JUPYTER_PATH"))
    from voila.app import Voila

    Voila.launch_instance(argv=sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":  # pragma: no cover
    main()
