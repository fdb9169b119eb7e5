"""The package's own errors: :class:`NogoError` and :class:`InputError`.

The boundary checks that raise them live in :mod:`nogo._validate`. The public ones are still importable
from here (``from nogo.errors import check_rate``), as they were before they moved.
"""

from __future__ import annotations

from typing import Any

__all__ = ["InputError", "NogoError"]


class NogoError(Exception):
    """Base class for every error raised by :mod:`nogo`."""


class InputError(NogoError, ValueError):
    """Bad input at a boundary: a value, column or file that is not what was expected.

    It subclasses :class:`ValueError`, so ``except ValueError`` keeps working for callers that do not
    know the package.
    """


# The checks that moved to nogo._validate, still importable from here. Looked up lazily (PEP 562):
# nogo._validate imports InputError from this module, so an eager import here would be circular.
_MOVED = frozenset(
    {
        "as_float_array",
        "as_outcome_array",
        "as_scalar",
        "check_choice",
        "check_rate",
        "check_same_length",
        "check_whole_number",
    }
)


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        from nogo import _validate

        return getattr(_validate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_MOVED})
