"""``sop serve``: the officials' front door, a small web application over the public API.

Server-rendered pages (Starlette, Jinja2, htmx shipped as a file); every action is a plain
``<form method="post">`` too, and every page is also JSON (``?format=json``). Like ``cli/``
it uses only the public API. Each request opens its own store connection and acts as the
person signed in (``act_as``): on PostgreSQL the gateway takes that person's role, so the
database refuses the page what it refuses the person. Nothing lives in a process's memory
that another process would need: sessions and failed sign-ins are kept in the store.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..errors import UserError
from ..i18n import _

if TYPE_CHECKING:
    from starlette.applications import Starlette

__all__ = ["create_app", "serve"]


def create_app(db: str | None = None, sop_dirs: Sequence[str] = ()) -> Starlette:
    """The web application on the store ``db`` (default: ``$SOP_DB``, else the default SQLite file)."""
    from .app import build  # Starlette: `import runner.web` for serve() alone stays light

    return build(db, tuple(sop_dirs))


def from_environment() -> Starlette:
    """The application of ``sop serve``'s worker processes: its settings come through the environment."""
    dirs = [d for d in os.environ.get("SOP_SERVE_SOP_DIRS", "").split(os.pathsep) if d]
    return create_app(os.environ.get("SOP_DB") or None, dirs)


def serve(
    db: str | None = None,
    sop_dirs: Sequence[str] = (),
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    certfile: str | None = None,
    keyfile: str | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve the web front door until interrupted; the store is checked first, and a port in use refused.
    ``ready`` is called once the checks passed, before the server starts (the CLI says where it serves)."""
    from .app import check_store  # as above

    check_store(db)
    if (certfile is None) != (keyfile is None):
        raise UserError(_("give both the certificate and its key, or neither"), "tls-incomplete")
    for path in (certfile, keyfile):
        if path is not None and not os.path.isfile(path):
            raise UserError(_("no file {path}").format(path=path), "no-such-file", path=path)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as e:
        raise UserError(
            _("cannot serve on {host}:{port} ({reason}); choose another --port or --host").format(
                host=host, port=port, reason=e.strerror or e
            ),
            "port-unavailable",
            host=host,
            port=port,
        ) from None
    if ready is not None:
        ready()
    import uvicorn  # the server, once the store and the port are known to be fine

    if db:
        os.environ["SOP_DB"] = db  # the worker processes read it (from_environment)
    os.environ["SOP_SERVE_SOP_DIRS"] = os.pathsep.join(sop_dirs)
    uvicorn.run(
        "runner.web:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        proxy_headers=True,  # behind the README's reverse proxy: the client's address and https
        forwarded_allow_ips=os.environ.get("SOP_SERVE_PROXIES", "127.0.0.1"),
        log_level="warning",
        server_header=False,
    )
