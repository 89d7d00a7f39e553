"""``sop case ...``: run cases through an SOP.

One module per command, imported when that command is used: ``sop case show``,
typed all day, defines no other command's options.
"""

import click

from ...i18n import N_
from ..lazy import Group


@click.group(
    cls=Group,
    lazy_subcommands={
        "start": "runner.cli.case.start.case_start",
        "list": "runner.cli.case.listing.case_list",
        "show": "runner.cli.case.show.case_show",
        "attach": "runner.cli.case.attach.case_attach",
        "advance": "runner.cli.case.advance.case_advance",
        "cancel": "runner.cli.case.cancel.case_cancel",
        "void": "runner.cli.case.void.case_void",
        "migrate": "runner.cli.case.migrate.case_migrate",
        "history": "runner.cli.case.history.case_history",
        "verify": "runner.cli.case.verify.case_verify",
        "sheet": "runner.cli.case.sheet.case_sheet",
    },
    help=N_(
        "Run cases through an SOP: start, advance, attach, cancel, void, migrate, show, list, history, verify, sheet."
    ),
)
def case() -> None:
    pass
