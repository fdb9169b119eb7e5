"""Safety of the SQLite file (private to the progress store): refuse what is not ours, open read-only.

The checks behind :class:`nogo.ProgressStore`'s guarantees (see :mod:`nogo.practice.progress`): what a
file is before anything writes it, one write transaction, errors that name the file, and a read-only
connection that still sees a live writer's answers.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nogo.practice.progress.schema import APPLICATION_ID, ENV_VAR, SCHEMA_VERSION, ProgressStoreError

_IDENTIFY = (
    "SELECT (SELECT application_id FROM pragma_application_id),"
    " (SELECT user_version FROM pragma_user_version),"
    " (SELECT group_concat(name, char(31)) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')"
)


def identify(conn: sqlite3.Connection, where: Path | str) -> int:
    """The schema version of a No-Go store (0: empty, usable), or raise: foreign, newer."""
    app_id, version, names = conn.execute(_IDENTIFY).fetchone()  # one statement: one consistent snapshot
    tables = names.split("\x1f") if names else []
    if app_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise ProgressStoreError(
                f"{where}: progress store schema version {version} was written by a newer nogo "
                f"(this one reads up to version {SCHEMA_VERSION}); upgrade nogo. The file was left untouched."
            )
        return version
    if app_id == 0 and version == 0 and not tables:
        return 0
    raise ProgressStoreError(
        f"{where}: not a No-Go progress store but an SQLite database of another application "
        f"(application_id {app_id:#010x}, user_version {version}, tables: {', '.join(tables) or 'none'}). "
        f"It was left untouched; pass another path or set {ENV_VAR}."
    )


def set_wal(conn: sqlite3.Connection, timeout: float) -> str:
    """Switch to WAL. The switch can fail "locked" without waiting while another process opens the
    file, so retry with backoff until ``timeout``; a file already in WAL mode needs no lock."""
    deadline, pause = time.monotonic() + timeout, 0.005
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0])
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(2 * pause, 0.25)


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction: take the write lock first (waiting up to the timeout), commit or roll back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@contextmanager
def sqlite_errors(path: Path | str, doing: str) -> Iterator[None]:
    """Turn sqlite3 errors into :class:`ProgressStoreError` naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        text = str(exc)
        if "malformed" in text or "not a database" in text:
            raise ProgressStoreError(
                f"{path}: the progress store is corrupt ({text}). It was left untouched; move it aside, "
                f"pass another path or set {ENV_VAR}."
            ) from exc
        raise ProgressStoreError(f"{path}: could not {doing} the progress store ({text})") from exc


_NO_PERMISSION = ("readonly database", "unable to open database file", "attempt to write a readonly")


def for_want_of_permission(exc: BaseException) -> bool:
    """Whether opening for writing failed because the file or its folder cannot be written."""
    cause = exc.__cause__ if isinstance(exc, ProgressStoreError) else exc
    return isinstance(cause, sqlite3.OperationalError) and any(t in str(cause) for t in _NO_PERMISSION)


def connect_read_only(path: Path, timeout: float) -> tuple[sqlite3.Connection, str]:
    """A read-only connection: ``mode=ro`` (sees the -wal), else ``immutable`` when no -wal has content."""
    uri = path.absolute().as_uri()
    conn = sqlite3.connect(
        f"{uri}?mode=ro", uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        conn.execute(_IDENTIFY).fetchone()
        return conn, "mode=ro"
    except sqlite3.OperationalError as exc:
        conn.close()
        if not for_want_of_permission(exc):
            raise
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ProgressStoreError(
                f"{path}: cannot read the progress store read-only: its write-ahead log {wal.name} holds "
                f"answers not yet in the main file, and reading them needs {path.parent} to be writable "
                f"(or its {path.name}-shm file to exist) ({exc}). The files were left untouched."
            ) from exc
    # No -wal content: the main file holds every committed answer, and nothing can write it here.
    conn = sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    return conn, "immutable"


def check_header(path: Path) -> None:
    """Refuse a file that is not SQLite before SQLite opens it (an empty file is a new store)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ProgressStoreError(f"{path}: cannot read the progress store ({exc})") from None
    if head and head != b"SQLite format 3\x00":
        raise ProgressStoreError(
            f"{path}: not a No-Go progress store: the file is not an SQLite database (it does not start with "
            f"the SQLite header). It was left untouched; move it aside, pass another path or set {ENV_VAR}."
        )
