"""The package's layering: lower layers never import higher ones, and modules stay small.

Layers, bottom to top (each subpackage's docstring says the same): the foundation (``nogo.errors``,
``nogo._validate``, ``nogo.formatting``), decision models, charts, cases, practice, the casebook
pipeline, the app. ``nogo/__init__.py`` re-exports the public API and sits above them all. Every import
in the source counts, including the lazy ones inside functions; ``import nogo`` is the top package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import nogo

PACKAGE = Path(nogo.__file__).parent
LAYERS = ("foundation", "models", "charts", "cases", "practice", "casebook", "app")
FOUNDATION = {"errors", "_validate", "formatting"}
MAX_LINES = 600


def _layer(dotted: str) -> int:
    """Rank of a module ``nogo.x.y`` (``len(LAYERS)`` for the top package itself)."""
    parts = dotted.split(".")
    if parts[0] != "nogo":
        raise ValueError(dotted)
    if len(parts) == 1:
        return len(LAYERS)
    if parts[1] in FOUNDATION:
        return 0
    if parts[1] in LAYERS:
        return LAYERS.index(parts[1])
    raise AssertionError(f"{dotted}: not in any layer; put it in one of {LAYERS} or the foundation")


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every ``nogo`` module imported by ``path``, with its line (``from nogo import x`` is nogo.x
    when x is a subpackage or module, else the top package)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "nogo"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "nogo":
                for a in node.names:
                    sub = PACKAGE / a.name
                    is_module = sub.is_dir() or sub.with_suffix(".py").exists()
                    found.append((node.lineno, f"nogo.{a.name}" if is_module else "nogo"))
            elif node.module.split(".")[0] == "nogo":
                found.append((node.lineno, node.module))
    return found


def test_every_module_belongs_to_a_layer():
    for path in _modules():
        _layer(_dotted(path))  # raises, naming the module, when it is in none


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_no_module_imports_a_higher_layer(path):
    me = _dotted(path)
    upward = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name} ({LAYERS[_layer(name)] if _layer(name) < len(LAYERS) else 'the top package'})"
        for line, name in _imports(path)
        if _layer(name) > _layer(me)
    ]
    assert not upward, f"{me} is in layer {LAYERS[_layer(me)]!r}; upward imports:\n" + "\n".join(upward)


def test_the_checker_sees_an_upward_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from nogo.app.cli import main\n    import nogo\n")
    names = [name for _, name in _imports(bad)]
    assert names == ["nogo.app.cli", "nogo"]
    assert _layer("nogo.app.cli") > _layer("nogo.models.costs")
    assert _layer("nogo") > _layer("nogo.app.cli")


def test_each_layer_says_what_it_owns_and_may_import():
    for layer in LAYERS[1:]:
        doc = (PACKAGE / layer / "__init__.py").read_text()
        assert '"""' in doc and "May import" in doc, f"nogo/{layer}/__init__.py needs a docstring saying what it may import"


SHARED_PRIVATE = "nogo._validate"  # the one private module whose names every module may import


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


def _borrowed(path: Path) -> list[str]:
    """Underscore names ``path`` takes from another nogo module: ``from nogo.x import _y`` (a private
    module imported whole counts too, unless it is nogo._validate) and ``x._y`` on a module imported as
    ``x``. Names inside nogo._validate are shared by design and never count."""
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE) else path.name
    found, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "nogo" and a.asname:
                    modules[a.asname] = a.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] != "nogo":
                continue
            for a in node.names:
                full = f"{node.module}.{a.name}"
                if _is_module(full):
                    modules[a.asname or a.name] = full
                if a.name.startswith("_") and SHARED_PRIVATE not in (node.module, full):
                    found.append(f"{where}:{node.lineno} imports {a.name} from {node.module}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and modules[node.value.id] != SHARED_PRIVATE
        ):
            found.append(f"{where}:{node.lineno} uses {node.attr} of {modules[node.value.id]}")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_no_module_borrows_another_modules_private_names(path):
    borrowed = _borrowed(path)
    assert not borrowed, (
        "private helpers are shared through nogo._validate (checks) or made public names of their module:\n"
        + "\n".join(borrowed)
    )


def test_the_borrow_checker_sees_a_borrowed_name(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from nogo.models.costs import ACTIONS, _hidden\n"
        "from nogo._validate import check_rate, _first_bad\n"
        "from nogo import _validate\n"
        "import nogo.models.thresholds as th\n"
        "from nogo.models import dynamics\n"
        "def f():\n"
        "    from nogo.charts.theme import _private\n"
        "    return th._secret, dynamics._other, _validate._show, th.Policy\n"
    )
    found = [line.split(" ", 1)[1] for line in _borrowed(bad)]
    assert found == [
        "imports _hidden from nogo.models.costs",
        "imports _private from nogo.charts.theme",
        "uses _secret of nogo.models.thresholds",
        "uses _other of nogo.models.dynamics",
    ]


CHECKS = {"as_float_array", "as_outcome_array", "as_scalar", "check_choice", "check_rate",
          "check_same_length", "check_whole_number"}  # moved from nogo.errors, which re-exports them


@pytest.mark.parametrize("path", _modules(), ids=lambda p: _dotted(p))
def test_the_package_imports_its_checks_from_validate(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    old = [
        f"{path.relative_to(PACKAGE.parent)}:{node.lineno} imports {a.name} from nogo.errors"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "nogo.errors"
        for a in node.names
        if a.name in CHECKS
    ]
    assert not old, "import the boundary checks from nogo._validate:\n" + "\n".join(old)


@pytest.mark.parametrize("path", [*_modules(), PACKAGE / "__init__.py"], ids=lambda p: _dotted(p) or "nogo")
def test_no_module_is_over_the_split_point(path):
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE.parent)} has {lines} lines; split it below {MAX_LINES}"


def test_the_public_api_is_what_nogo_imports():
    exported = set(nogo.__all__)
    assert len(exported) == len(nogo.__all__) and nogo.__all__ == sorted(nogo.__all__)
    for name in exported:
        value = getattr(nogo, name)  # every exported name resolves
        assert not name.startswith("_")
        assert not isinstance(value, type(nogo)) or name == "charts", f"{name} is a module, not API"
    # a few names every notebook and the README use, from each layer
    assert {"CostModel", "best_two_thresholds", "charts", "open_case", "CaseFile", "DecisionStream",
            "Project", "ProgressStore", "notebook_setup", "InputError"} <= exported
