"""The one place where errors become messages and exit codes (after pre-commit's error_handler).

A user error prints one line and exits 1; Ctrl-C exits 130 without a
traceback; anything else is our bug: exit 3, with a crash log (version,
command, traceback) in a file the message names. The message never advises
simply running the command again: an ``advance`` that crashed after its
commit would advance twice.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import click

from .. import __version__
from ..errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_REFUSED, InvalidSOP, UserError
from ..i18n import _
from . import term
from .wording import word


def guarded(invoke: Callable[[], int], argv: list[str], debug: Callable[[], bool]) -> int:
    """Run ``invoke`` and turn whatever it raises into a message and an exit code."""
    try:
        return invoke()
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:  # usage errors: click's message, exit 2
        e.show()
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        term.error(_("interrupted; before repeating a change, look with 'sop case show' at what was saved"))
        return EXIT_INTERRUPTED
    except InvalidSOP as e:
        for p in e.problems:
            term.say(str(p))
        term.error(_("the SOP file has errors; fix them (see 'sop validate') and try again"))
        return EXIT_REFUSED
    except UserError as e:
        term.error(word(e))
        return e.exit_code
    except BrokenPipeError:  # `sop case list | head`: the reader left, nothing to say
        _silence_stdout()
        return EXIT_REFUSED
    except Exception:
        if debug():
            raise
        kind, value = sys.exc_info()[:2]
        log = _crash_log(argv)
        where = (
            _("the details are in {path}; please send that file with your report").format(path=log)
            if log
            else _("run with --debug to see the details")
        )
        term.error(
            _(
                "internal error ({kind}: {msg}), a fault in sop-runner, not in what you typed; {where}. If the command changes a case, look with 'sop case show' whether it was saved before you repeat it"
            ).format(kind=kind.__name__ if kind else "?", msg=value, where=where)
        )
        return EXIT_INTERNAL


def _crash_log(argv: list[str]) -> str | None:
    """Write the traceback with the version and the command; returns the file, or None if it cannot be written."""
    import platform  # only a crash needs these, platformdirs above all
    import time
    import traceback

    from platformdirs import user_log_dir

    text = (
        f"sop-runner {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
        f"command: sop {' '.join(argv)}\n\n{traceback.format_exc()}"
    )
    try:
        folder = user_log_dir("sop-runner")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"crash-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log")
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as f:  # argv may hold non-UTF-8 bytes
            f.write(text)
        return path
    except OSError:
        return None


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so that Python's exit does not complain."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
