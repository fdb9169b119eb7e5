"""Browser suite: JupyterLab (and the static casebook) driven by Playwright in Debian's headless Chromium.

The suite copies the casebook into a temporary folder and serves that, so running notebooks in the
browser never autosaves over the committed ones. JupyterLab listens on 127.0.0.1 with a token and every
Jupyter and IPython config folder points into the temporary folder. Every request to anything but the
loopback server (or a file://, data: or blob: URL) is aborted and recorded: a test fails if any was
attempted, which proves the pages work offline. On failure, a screenshot and the browser console log are
written to ``build/browser-artifacts/`` and the paths printed.

Chromium: Debian's package at ``/usr/bin/chromium`` (``NOGO_CHROMIUM`` overrides), installed by
``scripts/ensure-browser.sh``. Without it the suite is skipped loudly, except under ``CI=true``, where a
missing browser is a failure.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests import conftest as shared

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "browser-artifacts"
CHROMIUM = os.environ.get("NOGO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)


def pytest_collection_modifyitems(config, items):
    if _browser_available():
        return
    message = f"no Chromium at {CHROMIUM} (run scripts/ensure-browser.sh as root, or set NOGO_CHROMIUM)"
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(f"CI=true and {message}: the browser suite cannot be skipped in CI")
    print(f"\n{'#' * 70}\nBROWSER TESTS SKIPPED: {message}\n{'#' * 70}", file=sys.stderr)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab over a temporary copy of the casebook."""

    url: str
    token: str
    root: Path
    env: dict[str, str]
    process: subprocess.Popen
    log: Path

    def api(self, path: str, method: str = "GET") -> bytes:
        req = urllib.request.Request(f"{self.url}{path}", method=method)
        req.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.read()

    def delete_sessions(self) -> None:
        import json

        for session in json.loads(self.api("/api/sessions")):
            self.api(f"/api/sessions/{session['id']}", method="DELETE")


def _copy_project(dest: Path) -> None:
    shared.copy_project(dest, shared.project().root)


def _isolated_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
        ("IPYTHONDIR", "ipython"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_CACHE_HOME", "xdg-cache"),
        ("NOGO_DATA_DIR", "nogo-data"),
    ]:
        (tmp / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / sub)
    env.pop("NOGO_ROOT", None)
    return env


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> Iterator[Lab]:
    """JupyterLab on 127.0.0.1 with a token, over a copy of the casebook; shut down whatever happens."""
    tmp = tmp_path_factory.mktemp("lab")
    project = tmp / "project"
    project.mkdir()
    _copy_project(project)
    env = _isolated_env(tmp)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "disable",
         "@jupyterlab/apputils-extension:announcements"],
        env=env, capture_output=True, check=False,
    )  # fmt: skip
    subprocess.run(  # as nogo lab does: the casebook's saved charts show before anything runs
        [sys.executable, "-c", f"from nogo.app.lab import trust_notebooks; trust_notebooks({str(project / 'notebooks')!r})"],
        env=env, check=True,
    )  # fmt: skip
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp / "jupyterlab.log"
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}", f"--IdentityProvider.token={token}", "--LabApp.news_url=None",
        f"--ServerApp.root_dir={project / 'notebooks'}", "--ServerApp.port_retries=0",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Lab(f"http://127.0.0.1:{port}", token, project, env, proc, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                server.api("/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; log:\n{log.read_text()}") from None
                time.sleep(0.3)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@dataclass
class Page:
    """A Playwright page with its console log and the off-machine requests it tried."""

    page: object
    console: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser, request) -> Iterator[Page]:
    """A fresh browser context that aborts and records every request that leaves the machine."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    holder = Page(page=None)

    def route(r):
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "file://", "data:", "blob:")):
            r.continue_()
        else:
            holder.blocked.append(url)
            r.abort()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.on("console", lambda m: holder.console.append(f"[{m.type}] {m.text}"))
    pg.on("pageerror", lambda e: holder.console.append(f"[pageerror] {e}"))
    holder.page = pg
    yield holder
    failed = any(getattr(request.node, f"rep_{w}", None) and getattr(request.node, f"rep_{w}").failed
                 for w in ("setup", "call"))  # fmt: skip
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in request.node.name)
        shot, log = ARTIFACTS / f"{stem}.png", ARTIFACTS / f"{stem}.console.log"
        try:
            pg.screenshot(path=str(shot), full_page=True)
        except Exception as exc:  # the page may be gone
            holder.console.append(f"[screenshot failed] {exc}")
        log.write_text("\n".join(holder.console + [f"[blocked] {u}" for u in holder.blocked]) + "\n")
        print(f"\nbrowser artifacts: {shot} {log}")
    ctx.close()
