"""Reading a case file: bounded, parse-once, plain data only, with a map of each field's line.

The file is read (a regular file, at most a given size, UTF-8, printable) and parsed once, event by
event, into plain data (mappings, lists, strings, numbers, booleans, null) and a map from each field
path to its 1-based line. Anything beyond plain data is refused with its line: tags, anchors and
aliases, merge keys, repeated keys, NaN and infinite numbers, nesting deeper than :data:`MAX_DEPTH`.
A problem is raised as :class:`ReadProblem` (field path, line, what was wrong); :mod:`nogo.cases.casefile`
turns it into a :class:`~nogo.cases.casefile.CaseFileError`.

Examples
--------
>>> data, lines = parse("id: demo\\nsources:\\n  - id: S1\\n    date: '2024'\\n")
>>> data
{'id': 'demo', 'sources': [{'id': 'S1', 'date': '2024'}]}
>>> line_for(lines, ("sources", 0, "date")), dotted(("sources", 0, "date"))
(4, 'sources[0].date')
"""

from __future__ import annotations

import math
import re
import stat
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "MAX_DEPTH",
    "ReadProblem",
    "dotted",
    "kind_of",
    "line_for",
    "parse",
    "read_text",
    "short",
    "yaml_error",
]

MAX_DEPTH = 32
"""How deeply a case file may nest mappings and lists (the schema needs five levels)."""

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: the same events, faster
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_TAG = "tag:yaml.org,2002:"


def short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge bad value cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class ReadProblem(Exception):
    """A problem found while reading the YAML: field path, line, what was wrong."""

    def __init__(self, path: tuple, line: int | None, detail: str) -> None:
        super().__init__(detail)
        self.path, self.line, self.detail = path, line, detail


def read_text(path: Path, max_bytes: int) -> str:
    """The file's text: a regular file, at most ``max_bytes``, UTF-8, printable characters only."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadProblem((), None, "no such file") from None
    except OSError as exc:
        raise ReadProblem((), None, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise ReadProblem((), None, "expected a case file, found a folder")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device never end
        raise ReadProblem((), None, "expected a regular file (this is a device, FIFO or socket)")
    too_large = f"too large: {{:,}} bytes; a case file may be at most {max_bytes:,} bytes"
    if info.st_size > max_bytes:
        raise ReadProblem((), None, too_large.format(info.st_size))
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ReadProblem((), None, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:  # it grew since
        raise ReadProblem((), None, too_large.format(len(raw)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ReadProblem(
            (), line, f"expected UTF-8 text: byte 0x{raw[exc.start]:02x} is not ({exc.reason})"
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark at the start is harmless
    if "\ufeff" in text:  # elsewhere it is an invisible character glued to a key or value
        line = text.count("\n", 0, text.index("\ufeff")) + 1
        raise ReadProblem((), line, "an invisible byte-order mark (U+FEFF) inside the file: delete it")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise ReadProblem(
            (), line, f"character U+{ord(bad.group()):04X} is not allowed in a case file (a control code)"
        )
    return text


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _scalar(loader: Any, event: yaml.ScalarEvent, path: tuple, line: int) -> Any:
    """A plain scalar's value: null, a boolean, an int, a finite float, or else the string as written."""
    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _YAML_TAG + "null":
        return None
    if tag == _YAML_TAG + "bool":
        return loader.bool_values[event.value.lower()]
    node = yaml.ScalarNode(tag, event.value)
    if tag == _YAML_TAG + "int":
        try:
            return loader.construct_yaml_int(node)
        except ValueError:
            detail = f"a number too long to read ({len(event.value):,} characters)"
            raise ReadProblem(path, line, detail) from None
    if tag == _YAML_TAG + "float":
        value = loader.construct_yaml_float(node)
        if not math.isfinite(value):
            raise ReadProblem(path, line, f"expected a finite number, got {short(event.value)}")
        return value
    return event.value  # strings; dates (2024-02-14) stay the text they are, checked by the schema


def parse(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse ``text`` once into plain data and a map from each field path to its 1-based line.

    The parse is iterative over the YAML events, so it needs no recursion, and refuses what is not
    plain data as soon as it appears: anchors and aliases, tags, merge keys, non-scalar and repeated
    keys, keys with invisible characters, nesting deeper than :data:`MAX_DEPTH`, more than one document.
    """
    loader = _Loader(text)
    lines: dict[tuple, int] = {}
    stack: list[list] = []  # [container, path, pending key, {key: line}]
    root: Any = None
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return root, lines
            line = event.start_mark.line + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ReadProblem((), line, "more than one YAML document (---): a case file holds one")
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                continue
            # a node: where it goes
            if stack:
                frame = stack[-1]
                container, parent = frame[0], frame[1]
                if isinstance(container, dict) and frame[2] is None:  # a key
                    key = _key(loader, event, parent, line, frame[3])
                    frame[2] = key
                    lines[(*parent, key)] = line
                    continue
                if isinstance(container, dict):
                    path = (*parent, frame[2])
                else:
                    path = (*parent, len(container))
                    lines[path] = line
            else:
                path = ()
                lines[()] = line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise ReadProblem(
                    path, line, "anchors (&name) and aliases (*name) are not allowed in a case file"
                )
            if event.tag is not None:
                raise ReadProblem(
                    path, line, f"tag {_tag_name(event.tag)} is not allowed in a case file: write plain data"
                )
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(loader, event, path, line)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise ReadProblem(path, line, f"nested deeper than {MAX_DEPTH} levels")
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
            if stack:
                container = stack[-1][0]
                if isinstance(container, dict):
                    container[stack[-1][2]] = value
                    stack[-1][2] = None
                else:
                    container.append(value)
            else:
                root = value
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([value, path, None, {}])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([value, path, None, None])
    finally:
        loader.dispose()


def _key(loader: Any, event: yaml.Event, parent: tuple, line: int, seen: dict[str, int]) -> str:
    """A mapping key: a plain name, written once, with no invisible characters."""
    if not isinstance(event, yaml.ScalarEvent):
        raise ReadProblem(parent, line, "a key must be a plain name, not a list, a mapping or an alias")
    if event.anchor is not None:
        raise ReadProblem(parent, line, "anchors (&name) and aliases (*name) are not allowed in a case file")
    if event.tag is not None:
        raise ReadProblem(parent, line, f"tag {_tag_name(event.tag)} is not allowed in a case file")
    key = event.value
    if loader.resolve(yaml.ScalarNode, key, event.implicit) == _YAML_TAG + "merge":
        raise ReadProblem((*parent, key), line, "merge keys (<<) are not allowed in a case file")
    hidden = next((c for c in key if not c.isprintable() and c != " "), None)
    if hidden is not None:
        detail = f"key {key!r} holds an invisible character U+{ord(hidden):04X}: retype it"
        raise ReadProblem(parent, line, detail)
    if key in seen:
        raise ReadProblem(
            (*parent, key), line, f"repeated key {key!r} (first on line {seen[key]}): each field appears once"
        )
    seen[key] = line
    return key



def dotted(loc: tuple) -> str:
    """A field path as a case file's author writes it: ``("sources", 1, "date")`` is ``sources[1].date``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    """The line of a field path, or of its nearest parent the file has (a missing field: its parent's)."""
    loc = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc)


def yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to name for a YAML syntax error, and what went wrong.

    A flow collection or a quoted string that is never closed is named where it starts (the context);
    inside a block mapping or list the parser stops at the offending line, so that line is named and
    the block's first line given too.
    """
    problem, context = exc.problem_mark, exc.context_mark
    in_block = bool(exc.context) and exc.context.startswith("while parsing a block")
    mark = problem if in_block or context is None else context
    line = mark.line + 1 if mark else None
    detail = f"not valid YAML: {exc.problem}"
    if exc.context:
        detail += f" ({exc.context}"
        if in_block and context is not None and context.line != (problem.line if problem else None):
            detail += f" from line {context.line + 1}"
        detail += ")"
    if problem is not None:
        row = text.split("\n")[problem.line] if problem.line < text.count("\n") + 1 else ""
        if "\t" in row[: problem.column + 1]:
            detail += ": a tab; indent with spaces"
    return line, detail


def kind_of(value: Any) -> str:
    """What a plain value is, for a message: "null", "a list", "a mapping", "a string", "a float"..."""
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


