"""``sop notify``: one pass of the reminders, for cron or a systemd timer (runner/notify)."""

from __future__ import annotations

import click

from ..errors import EXIT_OK, UserError
from ..i18n import N_, _
from . import term
from .lazy import Command
from .output import json_option
from .settings import Settings, pass_settings


@click.command(
    "notify",
    cls=Command,
    help=N_(
        "Send the reminders once: tell the holders of a step's post when a case enters it, each morning send everyone their overdue and due-today steps and each SOP's pengawas its overdue cases, by e-mail (SOP_SMTP_HOST ...; README: reminders). Each message goes out once, however often it runs."
    ),
)
@click.option(
    "--at",
    metavar="TIME",
    help=N_("Act as if it were TIME (ISO 8601; without a zone in the office's, SOP_NOTIFY_TIMEZONE)."),
)
@json_option
@pass_settings
def notify(settings: Settings, at: str | None, as_json: bool) -> int:
    from .. import send_reminders  # the reminders: only this command loads them

    report = send_reminders(settings.store(write=True), at)
    failing = report.pending and not report.sent and (report.unreachable or not report.mail_server)
    if as_json:
        term.json_out(report.to_json())
    elif not failing:  # a failing pass says one line: what is wrong, and that nothing is lost
        term.say(
            _("{added} new message(s) in the outbox, {sent} sent, {pending} waiting").format(
                added=report.added, sent=report.sent, pending=report.pending
            )
        )
        if report.without_address:
            term.say(
                _("without an e-mail address, not told: {logins} (sop people set LOGIN --email ...)").format(
                    logins=", ".join(report.without_address)
                )
            )
    if failing and not report.mail_server:
        raise UserError(
            _(
                "no mail server is set: set SOP_SMTP_HOST (README: reminders); {pending} message(s) wait in the outbox until then"
            ).format(pending=report.pending),
            "mail-unset",
        )
    if failing:
        raise UserError(
            _(
                "the mail server cannot be used ({reason}); {pending} message(s) wait in the outbox and go out when sop notify runs again"
            ).format(reason=report.unreachable, pending=report.pending),
            "mail-unreachable",
        )
    return EXIT_OK
