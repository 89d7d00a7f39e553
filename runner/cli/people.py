"""``sop people ...`` and ``sop post ...``: who may act as which pelaksana."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .. import ACTING
from ..errors import EXIT_OK
from ..i18n import N_, _
from ..l10n import format_moment_text
from . import term
from .lazy import Group
from .output import emit, json_option
from .settings import Settings, pass_settings

if TYPE_CHECKING:
    from .. import People, PersonRow, Post


def _people(settings: Settings, write: bool = False) -> People:
    """People in the store of --db; ``write``: the command changes it (the first person may make it)."""
    from .. import People  # the people service: only a command that uses it, not --help

    return People(settings.store(write), settings.sop_dirs)


@click.group(
    cls=Group,
    help=N_(
        "The people who act in cases: a login with a nama. The first person registered is the admin, and from then on every action is checked against the posts."
    ),
)
def people() -> None:
    pass


@people.command("add", help=N_("Register LOGIN (the OS login, or the database login on PostgreSQL)."))
@click.argument("login")
@click.option("--nama", required=True, metavar="NAMA", help=N_("The person's name, as documents print it."))
@click.option("--nip", metavar="NIP", help=N_("The civil-service number (NIP)."))
@click.option("--email", metavar="ADDRESS", help=N_("The e-mail address reminders go to (sop notify)."))
@click.option("--admin", is_flag=True, help=N_("May add people, grant and end posts, change rights."))
@click.option(
    "--record-for-others",
    "records_for_others",
    is_flag=True,
    help=N_("May record actions that others did (case ... --for LOGIN), e.g. a disposition signed on paper."),
)
@json_option
@pass_settings
def people_add(
    settings: Settings,
    login: str,
    nama: str,
    nip: str | None,
    email: str | None,
    admin: bool,
    records_for_others: bool,
    as_json: bool,
) -> int:
    person = _people(settings, write=True).add(login, nama, nip, admin, records_for_others, email)
    if as_json:
        return emit(person, True, str)
    term.say(
        _("registered {login} ({nama}){admin}").format(
            login=person.login, nama=person.nama, admin=_(", admin") if person.admin else ""
        )
    )
    return EXIT_OK


@people.command(
    "password",
    help=N_(
        "Set a first password for LOGIN to sign in to 'sop serve' (SQLite; an admin's, read from the terminal or, with --stdin, one line of standard input). The person chooses their own at the first sign-in."
    ),
)
@click.argument("login")
@click.option("--stdin", "from_stdin", is_flag=True, help=N_("Read the password from one line of standard input."))
@pass_settings
def people_password(settings: Settings, login: str, from_stdin: bool) -> int:
    from .. import Sessions  # the web's sign-in: only this command of the group needs it

    store = settings.store(write=True)
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(_("First password"), hide_input=True, confirmation_prompt=_("Repeat it"))
    Sessions(store).set_password(login, password, store.login, first=True)
    term.say(_("{login} has a first password; they choose their own at the first sign-in").format(login=login))
    return EXIT_OK


@people.command("set", help=N_("Give or take a person's rights, or change their e-mail address."))
@click.argument("login")
@click.option("--admin/--no-admin", default=None, help=N_("The admin right."))
@click.option(
    "--record-for-others/--no-record-for-others",
    "records_for_others",
    default=None,
    help=N_("The right to record actions that others did."),
)
@click.option(
    "--email",
    metavar="ADDRESS",
    help=N_("The e-mail address reminders go to ('' for none); a person may change their own."),
)
@json_option
@pass_settings
def people_set(
    settings: Settings,
    login: str,
    admin: bool | None,
    records_for_others: bool | None,
    email: str | None,
    as_json: bool,
) -> int:
    registry = _people(settings, write=True)
    person = None
    if email is None or admin is not None or records_for_others is not None:  # the admin's check first
        person = registry.set_rights(login, admin, records_for_others)
    if email is not None:
        person = registry.set_email(login, email)
    return emit(person, as_json, lambda p: _people_table([p]))


@people.command("list", help=N_("The people registered, with their rights."))
@json_option
@pass_settings
def people_list(settings: Settings, as_json: bool) -> int:
    registry = _people(settings)
    found = registry.registered()
    if not as_json and not found:
        term.say(
            _(
                "nobody is registered: posts are not enforced, anyone may act as any pelaksana; start with: sop people add {login} --nama ..."
            ).format(login=registry.login)
        )
        return EXIT_OK
    similar = registry.look_alikes(found)
    return emit(found, as_json, lambda rows: _people_table(rows, similar))


def _people_table(rows: list[PersonRow], similar: dict[str, list[str]] | None = None) -> str:
    # a login that cannot be told from another (planted, or from before logins had to be plain) is marked,
    # and what is invisible or not ASCII in it written as an escape
    def seen(login: str) -> str:
        return ascii(login)[1:-1]

    body = [
        [
            seen(p.login),
            p.nama,
            p.nip or "",
            p.email or "",
            ", ".join(r for r, on in ((_("admin"), p.admin), (_("records for others"), p.records_for_others)) if on),
        ]
        + ([", ".join(seen(o) for o in similar.get(p.login, []))] if similar else [])
        for p in rows
    ]
    heads = [_("Login"), _("Nama"), _("NIP"), _("E-mail"), _("Rights")] + ([_("Looks like (!)")] if similar else [])
    return term.table(heads, body, flex=1, compact=True)


@click.group(cls=Group, help=N_("Posts: who may act as which pelaksana, from when until when (Plt./Plh. too)."))
def post() -> None:
    pass


@post.command("grant", help=N_("Let LOGIN act as PELAKSANA (an admin's work)."))
@click.argument("login")
@click.argument("pelaksana")
@click.option(
    "--sop", "sops", multiple=True, metavar="SOP", help=N_("Only in this SOP (repeatable; default: every SOP).")
)
@click.option("--from", "valid_from", metavar="DATE", help=N_("The first day it holds (YYYY-MM-DD; default today)."))
@click.option("--until", "valid_until", metavar="DATE", help=N_("The last day it holds (default: until ended)."))
@click.option(
    "--acting",
    type=click.Choice(list(ACTING), case_sensitive=False),
    help=N_("An acting appointment: plt (pelaksana tugas) or plh (pelaksana harian)."),
)
@json_option
@pass_settings
def post_grant(
    settings: Settings,
    login: str,
    pelaksana: str,
    sops: tuple[str, ...],
    valid_from: str | None,
    valid_until: str | None,
    acting: str | None,
    as_json: bool,
) -> int:
    row = _people(settings, write=True).grant(login, pelaksana, sops or None, acting, valid_from, valid_until)
    if as_json:
        return emit(row, True, str)
    from .. import pelaksana_names, post_title  # the API loads its subsystem on first use: not at start, nor for --help

    names = pelaksana_names(settings.sop_dirs)  # "Plh. Camat", as people write the post, not "Plh. camat"
    term.out(str(row.id))
    term.say(
        _("post #{id}: {login} is {title} from {start}{until}").format(
            id=row.id,
            login=row.login,
            title=post_title(names.get(row.pelaksana, row.pelaksana), row.acting),
            start=format_moment_text(row.valid_from),
            until=_(" until {day}").format(day=format_moment_text(row.valid_until)) if row.valid_until else "",
        )
    )
    return EXIT_OK


@post.command("end", help=N_("End post POST: at once, or with --on its last day."))
@click.argument("post_id", metavar="POST", type=int)
@click.option("--on", "on", metavar="DATE", help=N_("The post's last day (YYYY-MM-DD); without it, it ends now."))
@json_option
@pass_settings
def post_end(settings: Settings, post_id: int, on: str | None, as_json: bool) -> int:
    row = _people(settings, write=True).end(post_id, on)
    if as_json:
        return emit(row, True, str)
    if row.ended_at:
        term.say(_("post #{id} has ended: {login} holds it no more").format(id=row.id, login=row.login))
    else:
        term.say(
            _("post #{id} ends: {until} is its last day").format(
                id=row.id, until=format_moment_text(row.valid_until or "")
            )
        )
    return EXIT_OK


@post.command("list", help=N_("Who holds what: every post, or with --on those that hold on that day."))
@click.option("--on", "on", metavar="DATE", help=N_("Only the posts that hold on this day (YYYY-MM-DD)."))
@click.option("--login", metavar="LOGIN", help=N_("Only this person's posts."))
@json_option
@pass_settings
def post_list(settings: Settings, on: str | None, login: str | None, as_json: bool) -> int:
    from .. import pelaksana_names  # the API loads its subsystem on first use: not at start, nor for --help

    names = pelaksana_names(settings.sop_dirs)
    return emit(_people(settings).posts(on, login), as_json, lambda rows: _posts_table(rows, names))


def _posts_table(rows: list[Post], names: dict[str, str]) -> str:
    from .. import post_title  # the API loads its subsystem on first use: not at start, nor for --help

    if not rows:
        return _("no posts")
    words = {"current": _("current"), "ended": _("ended"), "future": _("not yet")}
    body = [
        [
            str(p.row.id),
            p.row.login,
            p.nama,
            post_title(names.get(p.row.pelaksana, p.row.pelaksana), p.row.acting),
            ", ".join(p.row.sops) if p.row.sops else _("every SOP"),
            format_moment_text(p.row.valid_from),
            format_moment_text(p.row.valid_until) if p.row.valid_until else "",
            words[p.status],
        ]
        for p in rows
    ]
    headers = [_("#"), _("Login"), _("Nama"), _("Post"), _("SOPs"), _("From"), _("Until"), _("Status")]
    return term.table(headers, body, flex=2, compact=True)
