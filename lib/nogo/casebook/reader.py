"""Reader mode: a notebook reads as prose, numbers, charts and drills; code is folded until asked for.

Readers are product managers. In JupyterLab every code cell's source is collapsed by cell metadata
(``metadata.jupyter.source_hidden``, which JupyterLab, Voila and nbconvert honour), except the cells a
reader is invited to change: those tagged :data:`INVITED_TAGS` (the papermill ``parameters`` cell, and
any cell tagged ``invite``). One visible way shows all code: JupyterLab's *View > Expand All Code* (the
notebook's opening note says so), or the bar left of a folded cell.

:func:`apply_reader_mode` sets the metadata on a notebook file (``nogo refresh`` does it after every run);
:func:`reader_problems` lists what breaks the rule, for ``nogo check`` and the tests.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["INVITED_TAGS", "apply_reader_mode", "reader_problems", "set_reader_metadata"]

INVITED_TAGS: frozenset[str] = frozenset({"parameters", "invite"})
"""Tags of the code cells a reader is invited to change: their source stays open."""


_PRINTED = "prose printed in monospace; end the cell with nogo.say(...) instead of print(...)"


def _invited(cell: dict[str, Any]) -> bool:
    return bool(INVITED_TAGS & set(cell.get("metadata", {}).get("tags", [])))


def set_reader_metadata(nb: dict[str, Any]) -> dict[str, Any]:
    """``nb`` (notebook JSON as a dict) with every code cell folded except the invited ones; in place.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "seed = 1"},
    ...                 {"cell_type": "code", "metadata": {}, "source": "import nogo"},
    ...                 {"cell_type": "markdown", "metadata": {}, "source": "# Title"}]}
    >>> [c["metadata"].get("jupyter", {}).get("source_hidden") for c in set_reader_metadata(nb)["cells"]]
    [None, True, None]
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.setdefault("metadata", {})
        jupyter = meta.setdefault("jupyter", {})
        if _invited(cell):
            jupyter.pop("source_hidden", None)
            if not jupyter:
                meta.pop("jupyter")
        else:
            jupyter["source_hidden"] = True
    return nb


def apply_reader_mode(path: str | Path) -> None:
    """Fold the code of the notebook at ``path`` (see :func:`set_reader_metadata`), rewriting it in the
    form ``nogo refresh`` writes (sorted keys, one-space indent)."""
    path = Path(path)
    nb = set_reader_metadata(json.loads(path.read_text(encoding="utf-8")))
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def reader_problems(nb: dict[str, Any], name: str) -> list[str]:
    """What keeps notebook ``name`` from reading as a page: an uninvited code cell whose source shows, an
    invited one folded, or prose printed in monospace (``print`` of text in a code cell's source).

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": "print('The cap is $100')"}]}
    >>> for p in reader_problems(nb, "demo"):
    ...     print(p)
    demo.ipynb, cell 1: code shows; fold it (metadata jupyter.source_hidden) or tag it 'invite'
    demo.ipynb, cell 1: prose printed in monospace; end the cell with nogo.say(...) instead of print(...)
    """
    out = []
    for i, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "code":
            continue
        hidden = bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))
        where = f"{name}.ipynb, cell {i}"
        if _invited(cell) and hidden:
            out.append(f"{where}: a cell the reader is invited to change is folded; unfold it")
        elif not _invited(cell) and not hidden:
            out.append(f"{where}: code shows; fold it (metadata jupyter.source_hidden) or tag it 'invite'")
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if "print(" in source:
            out.append(f"{where}: {_PRINTED}")
    return out
