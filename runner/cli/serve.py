"""``sop serve``: the web front door for the officials (runner/web)."""

from __future__ import annotations

import click

from ..errors import EXIT_OK
from ..i18n import N_, _
from . import term
from .lazy import Command
from .settings import Settings, pass_settings


@click.command(
    "serve",
    cls=Command,
    help=N_(
        "Serve the web pages where officials sign in, see what waits on them and act (until Ctrl-C). On PostgreSQL --db names the web gateway's login (README: the web front door)."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=N_("The address to listen on."))
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("The port."))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help=N_("Server processes."))
@click.option("--certfile", metavar="FILE", help=N_("TLS certificate (PEM), to serve https."))
@click.option("--keyfile", metavar="FILE", help=N_("The certificate's private key (PEM)."))
@pass_settings
def serve(settings: Settings, host: str, port: int, workers: int, certfile: str | None, keyfile: str | None) -> int:
    from .. import serve as run  # Starlette and uvicorn: only sop serve loads them

    url = f"{'https' if certfile else 'http'}://{host}:{port}/"

    def ready() -> None:  # once the store and the port are known to be fine
        term.say(_("serving on {url} (Ctrl-C stops)").format(url=url))

    run(settings.db, settings.sop_dirs, host, port, workers, certfile, keyfile, ready)
    return EXIT_OK
