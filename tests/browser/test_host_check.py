"""Served apps answer only the Host names they know (issue 16, item 4): a real Voila, forged Host headers.

A web page can rebind its own name (evil.example) to 127.0.0.1 and then talk to a local server as a
same-origin page, with ``Host: evil.example``. Each test starts the real Voila command of
:func:`nogo.app.serve.voila_command` on 127.0.0.1 (never anything else: the non-loopback address below only
ever appears in a Host header) and sends raw HTTP requests, forged and real, to the page, the kernel API
and the kernel websocket.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import sys
from pathlib import Path

import nbformat
import pytest

from nogo.app.coach import voila_command
from tests.browser.conftest import _free_port
from tests.browser.helpers import start_app, stop_app, wait_until_served

LAN_IP, TOKEN = "192.168.1.5", "host-check-token-0123456789"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _request(port: int, path: str, host: str, *, websocket: bool = False) -> tuple[int, str]:
    """Send one GET to 127.0.0.1:port with the given Host header; the status code and the body read."""
    head = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    if websocket:
        key = base64.b64encode(os.urandom(16)).decode()
        head = head.replace("Connection: close\r\n", "Connection: Upgrade\r\n")
        head += f"Upgrade: websocket\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        head += f"Origin: http://{host}\r\n"  # what a rebinding page sends: its own origin, same as Host
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall((head + "\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data or (not websocket and not data.endswith(b"</html>\n")):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if websocket and b"\r\n\r\n" in data:
                break
    status = int(data.split(b" ", 2)[1])
    return status, data.decode("utf-8", "replace")


def _serve(tmp: Path, cmd: list[str], port: int):
    """Serve a one-cell notebook with ``cmd`` from ``tmp``; wait until its port takes connections."""
    nb = tmp / "app.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('served')")]), nb)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp / "cfg"), "IPYTHONDIR": str(tmp / "ipy"),
           "JUPYTER_RUNTIME_DIR": str(tmp / "run"), "JUPYTER_PLATFORM_DIRS": "1"}  # fmt: skip
    log = tmp / "voila.log"
    proc = start_app(cmd, cwd=tmp, env=env, log=log)
    wait_until_served(proc, log, lambda: socket.create_connection(("127.0.0.1", port), timeout=1).close(),
                      "voila", timeout_s=120)  # fmt: skip
    return proc, log


@pytest.fixture(scope="module")
def loopback_app(tmp_path_factory):
    """The default: `nogo serve`'s command, on 127.0.0.1, no token."""
    tmp, port = tmp_path_factory.mktemp("host-loopback"), _free_port()
    proc, log = _serve(tmp, voila_command(tmp / "app.ipynb", port=port, python=sys.executable), port)
    try:
        yield port, log
    finally:
        stop_app(proc)


@pytest.fixture(scope="module")
def lan_app(tmp_path_factory):
    """`--ip 192.168.1.5 --token ...`'s command, but bound to 127.0.0.1: the LAN address is only a name."""
    tmp, port = tmp_path_factory.mktemp("host-lan"), _free_port()
    cmd = voila_command(tmp / "app.ipynb", port=port, ip=LAN_IP, token=TOKEN, python=sys.executable)
    cmd = [f"--Voila.ip={'127.0.0.1'}" if a == f"--Voila.ip={LAN_IP}" else a for a in cmd]
    assert "--Voila.ip=127.0.0.1" in cmd and not any(LAN_IP in a for a in cmd if a.startswith("--Voila.ip"))
    proc, log = _serve(tmp, cmd, port)
    try:
        yield port, log
    finally:
        stop_app(proc)


def test_loopback_app_refuses_a_forged_host(loopback_app):
    port, log = loopback_app
    real, page = _request(port, "/", f"127.0.0.1:{port}")
    assert real == 200, page[:500]
    assert _request(port, "/", f"localhost:{port}")[0] == 200
    assert _request(port, "/", f"[::1]:{port}")[0] == 200
    for forged in (
        "evil.example",
        f"evil.example:{port}",
        f"127.0.0.1.evil.example:{port}",
        f"{LAN_IP}:{port}",
    ):
        assert _request(port, "/", forged)[0] == 403, forged
    kernel = UUID.search(page).group(0)  # the real page's kernel: the one a rebinding page would want
    channels = f"/api/kernels/{kernel}/channels?session_id=probe"
    assert _request(port, channels, f"evil.example:{port}", websocket=True)[0] == 403
    assert _request(port, f"/api/kernels/{kernel}", f"evil.example:{port}")[0] == 403
    assert _request(port, channels, f"127.0.0.1:{port}", websocket=True)[0] == 101
    assert "Blocking request with non-local 'Host'" in log.read_text()


def test_lan_app_answers_its_own_address_with_the_token_only(lan_app):
    port, log = lan_app
    for host in (f"{LAN_IP}:{port}", f"127.0.0.1:{port}", f"localhost:{port}"):
        status, page = _request(port, f"/?token={TOKEN}", host)
        assert status == 200, (host, page[:500])
    assert _request(port, "/", f"{LAN_IP}:{port}")[0] in (302, 403)  # no token: the login page at most
    assert "served" not in _request(port, "/", f"{LAN_IP}:{port}")[1]
    for forged in ("evil.example", f"evil.example:{port}", f"192.168.1.50:{port}", f"0.0.0.0:{port}"):
        assert _request(port, f"/?token={TOKEN}", forged)[0] == 403, forged
        assert _request(port, f"/login?token={TOKEN}", forged)[0] == 403, forged
    page = _request(port, f"/?token={TOKEN}", f"{LAN_IP}:{port}")[1]
    kernel = UUID.search(page).group(0)
    channels = f"/api/kernels/{kernel}/channels?session_id=probe&token={TOKEN}"
    assert _request(port, channels, f"evil.example:{port}", websocket=True)[0] == 403
    assert _request(port, channels.replace(TOKEN, "wrong-token-0123456789"), f"{LAN_IP}:{port}",
                    websocket=True)[0] == 403  # fmt: skip
    assert _request(port, channels, f"{LAN_IP}:{port}", websocket=True)[0] == 101
    assert "not allowed" in log.read_text()
