"""Serving a coaching session as an app: the Voila command line, and who may reach it.

:func:`voila_command` builds the Voila command line, bound to 127.0.0.1 unless told otherwise, answering
only loopback Host names (and the ``--ip`` one), with a token required beyond loopback
(:func:`check_exposure`); :class:`HostAllowlistIdentityProvider` is the Host check for a non-loopback
address, built on first use (it needs jupyter_server).

The app page is No-Go's Voila template (:data:`VOILA_TEMPLATE`, in ``nogo/app/jupyter/voila/templates``;
the command runs Voila through :mod:`nogo.app.voila_app`, which puts that folder on ``JUPYTER_PATH``):
Voila's lab template without the Font Awesome stylesheets it links from a CDN, so a served page asks
nothing of the network. Kernels start
with CurveZMQ transport encryption (:func:`kernel_encryption_args`), so they do not warn that they run
"over TCP without encryption".
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nogo.errors import InputError

__all__ = [
    "EXPOSURE_WARNING",
    "LOOPBACK_IP",
    "allowed_hosts",
    "check_exposure",
    "host_allowed",
    "is_loopback",
    "kernel_encryption_args",
    "voila_command",
]

LOOPBACK_IP = "127.0.0.1"
EXPOSURE_WARNING = (
    "WARNING: serving on {ip}, not on the loopback interface. Anyone who can reach {ip}:{port} and has "
    "the token can open the app and run the notebook's code through its widgets, with your user's rights "
    "on this machine. Do this only on a network you trust, and share the token only with learners."
)


VOILA_TEMPLATE = "nogo"
"""No-Go's Voila template: Voila's ``lab`` template with no stylesheet from a CDN."""
VOILA_LAUNCHER = Path(__file__).resolve().with_name("voila_app.py")
"""Runs Voila with No-Go's templates found (:mod:`nogo.app.voila_app`); run by path."""


def kernel_encryption_args() -> list[str]:
    """The server option that starts kernels with CurveZMQ transport encryption, where supported.

    ipykernel warns on every start that a kernel "is running over TCP without encryption" unless its
    manager provisions CurveZMQ keys; jupyter_server's documented switch is
    ``MappingKernelManager.transport_encryption`` (``auto``: when the kernelspec declares support, as
    ipykernel's ``python3`` does). Empty where pyzmq lacks CurveZMQ or jupyter_server predates it.

    Examples
    --------
    >>> kernel_encryption_args() in (["--MappingKernelManager.transport_encryption=auto"], [])
    True
    """
    import zmq
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    if zmq.has("curve") and MappingKernelManager.class_traits().get("transport_encryption") is not None:
        return ["--MappingKernelManager.transport_encryption=auto"]
    return []


# --------------------------------------------------------------------------- serving
def is_loopback(ip: str) -> bool:
    """Whether ``ip`` is a loopback address (``localhost`` counts).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip()).is_loopback
    except ValueError:
        return False  # a host name: treat it as reachable from elsewhere


LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
"""The Host names a served app answers by default (with the ``--ip`` address, when it is not loopback)."""
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{16,200}")


def _host_key(name: str) -> str:
    """A host name or address in one spelling: lower case, IPv6 without brackets and compressed."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(_host_key(name))
    except ValueError:
        return False
    return True


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether an HTTP ``Host`` header (``name``, ``name:port``, ``[v6]:port``) names one of ``allowed``.

    Examples
    --------
    >>> host_allowed("[::1]:8866", LOOPBACK_HOSTS), host_allowed("evil.example:8866", LOOPBACK_HOSTS)
    (True, False)
    """
    host = str(host or "").strip()
    m = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(:\d{1,5})?", host)
    if not m or not m.group(1):
        return False
    return _host_key(m.group(1)) in {_host_key(a) for a in allowed}


def allowed_hosts(ip: str = LOOPBACK_IP) -> list[str]:
    """The Host names an app served on ``ip`` answers: :data:`LOOPBACK_HOSTS`, and ``ip`` itself.

    Examples
    --------
    >>> allowed_hosts(), allowed_hosts("192.168.1.5")
    (['localhost', '127.0.0.1', '::1'], ['localhost', '127.0.0.1', '::1', '192.168.1.5'])
    """
    hosts = list(LOOPBACK_HOSTS)
    if _host_key(ip) not in {_host_key(h) for h in hosts}:
        hosts.append(_host_key(ip))
    return hosts


def check_exposure(ip: str, token: str | None) -> str | None:
    """Check that serving on ``ip`` is safe; returns the token to use (None: no token, loopback only).

    Beyond loopback a token is required (16 to 200 of ``A-Z a-z 0-9 . _ ~ -``), and ``ip`` must be one
    address or name, not every interface (0.0.0.0, ::): the app answers only the Host names it knows.

    Examples
    --------
    >>> check_exposure("127.0.0.1", None) is None
    True
    >>> check_exposure("192.168.1.5", None)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: token: serving on 192.168.1.5 (beyond this machine) needs a token...
    """
    if token is not None and (not isinstance(token, str) or not _TOKEN.fullmatch(token)):
        raise InputError(
            "token: expected 16 to 200 characters of A-Z a-z 0-9 . _ ~ - (e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(24))'), got "
            + (f"{len(token)} character(s)" if isinstance(token, str) else repr(token))
        )  # the token itself is never echoed
    if is_loopback(ip):
        return token
    if token is None:
        raise InputError(
            f"token: serving on {ip} (beyond this machine) needs a token, or anyone who can reach it runs "
            "the notebook's code: pass --token with a secret of 16 or more characters (e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(24))') and give learners the URL "
            "ending in ?token=...; or serve on 127.0.0.1"
        )
    if _is_address(ip) and ipaddress.ip_address(_host_key(ip)).is_unspecified:
        raise InputError(
            f"ip: {ip} listens on every interface, but the app answers only the Host names it knows "
            "(localhost, 127.0.0.1, [::1] and --ip); bind the one address learners will open, "
            "e.g. --ip 192.168.1.5"
        )
    return token


def _host_allowlist_provider() -> type:
    from jupyter_server.auth.identity import PasswordIdentityProvider
    from tornado import web

    class HostAllowlistIdentityProvider(PasswordIdentityProvider):  # type: ignore[misc]
        """Voila's token login, first refusing (403) a request whose Host is not in the tornado setting
        ``nogo_allowed_hosts`` (no setting: every request refused). Every Voila page, API and kernel
        websocket asks the identity provider for the user before anything else."""

        def get_user(self, handler: Any) -> Any:
            allowed = handler.settings.get("nogo_allowed_hosts")
            if not allowed or not host_allowed(handler.request.host, allowed):
                self.log.warning("Blocking request with Host %r (not allowed)", handler.request.host)
                raise web.HTTPError(403, "Host not allowed")
            return super().get_user(handler)

    HostAllowlistIdentityProvider.__module__ = __name__
    return HostAllowlistIdentityProvider


def __getattr__(name: str) -> Any:  # the provider needs jupyter_server: built on first use only
    if name == "HostAllowlistIdentityProvider":
        cls = globals()[name] = _host_allowlist_provider()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def voila_command(
    notebook: str | Path,
    *,
    port: int | None = None,
    ip: str = LOOPBACK_IP,
    open_browser: bool = False,
    python: str = sys.executable,
    token: str | None = None,
) -> list[str]:
    """The command line serving ``notebook`` in app mode with Voila (widgets and prose, no code).

    Bound to ``ip`` (default 127.0.0.1, this machine only). Sources are stripped (Voila's default, made
    explicit); the kernel runs with the notebook's folder as its working folder. The page is
    :data:`VOILA_TEMPLATE`, through :data:`VOILA_LAUNCHER`, and kernels are encrypted
    (:func:`kernel_encryption_args`).

    Only the Host names of :func:`allowed_hosts` are answered (a web page that rebinds its own name to
    127.0.0.1 is refused with 403): on loopback or a named ``ip`` by jupyter_server's own Host check
    (``allow_remote_access=False`` and ``local_hostnames`` in ``Voila.tornado_settings``); on a
    non-loopback address, which that check cannot allow, by :class:`HostAllowlistIdentityProvider`.
    Beyond loopback a ``token`` is required (:func:`check_exposure`); it is passed as ``Voila.token``.

    Examples
    --------
    >>> cmd = voila_command("nb.ipynb", port=8866, python="python")
    >>> cmd[:2] == ["python", str(VOILA_LAUNCHER)], cmd[2:]  # doctest: +NORMALIZE_WHITESPACE
    (True, ['nb.ipynb', '--Voila.ip=127.0.0.1', '--strip_sources=True', '--template=nogo',
     '--MappingKernelManager.transport_encryption=auto',
     "--Voila.tornado_settings={'allow_remote_access': False, 'local_hostnames': ['localhost']}",
     '--no-browser', '--port=8866'])
    """
    if not isinstance(ip, str) or not ip.strip() or any(c.isspace() for c in ip.strip()):
        raise InputError(f"ip: expected an address such as 127.0.0.1, got {ip!r}")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
        raise InputError(f"port: expected a port number from 1 to 65535, got {port!r}")
    ip = ip.strip()
    token = check_exposure(ip, token)
    hosts = allowed_hosts(ip)
    cmd = [python, str(VOILA_LAUNCHER), str(notebook), f"--Voila.ip={ip}", "--strip_sources=True"]
    cmd += [f"--template={VOILA_TEMPLATE}", *kernel_encryption_args()]
    settings: dict[str, Any]
    if all(is_loopback(h) or not _is_address(h) for h in hosts):  # jupyter_server's check suffices
        settings = {"allow_remote_access": False, "local_hostnames": [h for h in hosts if not _is_address(h)]}
    else:
        settings = {"allow_remote_access": True, "nogo_allowed_hosts": hosts}
        cmd.append(f"--Voila.identity_provider_class={__name__}.HostAllowlistIdentityProvider")
    cmd.append(f"--Voila.tornado_settings={settings!r}")
    if token is not None:
        cmd.append(f"--Voila.token={token}")
    if not open_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--port={port}")
    return cmd
