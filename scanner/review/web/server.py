"""Running the review server: bind the socket first (so the address is known), then serve with uvicorn."""

from __future__ import annotations

import socket
import sys
import webbrowser
from collections.abc import Callable
from typing import Any, TextIO

from scanner.errors import UsageError
from scanner.history import History
from scanner.review.web.security import Access, is_loopback, is_wildcard

DEFAULT_HOST = "127.0.0.1"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: a free one); a wildcard or unusable address is a ``UsageError``."""
    if is_wildcard(host):
        raise UsageError(f"--host {host}: give one address of this machine, not a wildcard, so requests naming "
                         "another host can be refused")
    if not 0 <= port <= 65535:
        raise UsageError(f"--port {port}: not a port number")
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"--host {host}: {exc.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock


def make_server(history: History, scan_id: str, *, reviewer: str, host: str = DEFAULT_HOST,
                port: int = 0) -> tuple[Any, socket.socket, Access]:
    """A ready uvicorn server for the review of ``scan_id``, its bound socket and the run's access secrets."""
    import uvicorn

    from scanner.review.web.app import create_app

    sock = bind(host, port)
    access = Access(host=host, port=sock.getsockname()[1])
    app = create_app(history, scan_id, reviewer=reviewer, access=access)
    # No access log: the first request's query string carries the token. No proxy headers: nothing
    # in front of this server is trusted to rewrite the client's address.
    config = uvicorn.Config(app, log_level="warning", access_log=False, proxy_headers=False, server_header=False,
                            ws="none", lifespan="off", limit_concurrency=64)
    return uvicorn.Server(config), sock, access


def serve(history: History, scan_id: str, *, reviewer: str, host: str = DEFAULT_HOST, port: int = 0,
          open_browser: bool = True, out: TextIO | None = None,
          opener: Callable[[str], Any] = webbrowser.open) -> int:
    """Serve the review until Ctrl-C; prints the address (with its token) and opens it in the browser."""
    out = out or sys.stdout
    server, sock, access = make_server(history, scan_id, reviewer=reviewer, host=host, port=port)
    url = access.url()
    if not is_loopback(host):
        print(f"wa-scan: warning: serving on {host}, not on this machine's loopback address: anyone who can reach "
              f"{host}:{access.port} and learns the address below can read this account's findings and change "
              "the review; the connection is not encrypted.", file=sys.stderr)
    print(f"Review of scan {scan_id} as {reviewer}: open {url}", file=out)
    print("Every change is saved at once; press Ctrl-C to stop the server.", file=out)
    out.flush()
    if open_browser:
        try:
            opened = opener(url)
        except Exception:  # no browser here is not a failure: the address is printed
            opened = False
        if not opened:
            print("wa-scan: no browser could be opened here; open the address above", file=sys.stderr)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("Review server stopped; every change was already saved (confirmed decisions and drafts).", file=out)
    return 0
