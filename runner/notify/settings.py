"""What ``sop notify`` is told by the environment: the mail server, and when and how it writes.

Like the store's ``SOP_PG_*`` and the web's ``SOP_SERVE_*``: one variable a setting, read when a
pass starts, and a value that cannot be one refused with the variable's name and what to write.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import NamedTuple

from ..definition.model import Calendar
from ..definition.workcal import zone
from ..errors import UserError
from ..i18n import LANGUAGES, _

TLS_MODES = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


class MailSettings(NamedTuple):
    """How to reach the mail server (SMTP)."""

    host: str
    port: int
    tls: str  # starttls | ssl | none
    user: str | None
    password: str | None
    sender: str  # the From address
    timeout: float  # seconds a connection or a reply may take


class NotifySettings(NamedTuple):
    """When and how reminders are written."""

    mail: MailSettings | None  # None: no mail server set; messages wait in the outbox
    hour: tuple[int, int]  # the morning digest from this local time on
    timezone: str  # the office's zone, whose day the digest belongs to
    language: str  # the language the messages are written in
    lease: int  # seconds a sender holds a message before another may take it over
    interval: int  # seconds between passes in sop serve's background (0: none)
    window_hours: int  # a step entered longer ago than this is left to the morning digest
    retry: int  # seconds after a failed attempt before the next; doubled after each, at most an hour


def _bad(variable: str, value: str, example: str) -> UserError:
    return UserError(
        _("{name} is '{value}'; set it to {example}").format(name=variable, value=value, example=example),
        "bad-setting",
        setting=variable,
        value=value,
    )


def _number(env: Mapping[str, str], variable: str, default: int, low: int, high: int, example: str) -> int:
    value = env.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise _bad(variable, value, example)
    return int(value)


def mail_settings(env: Mapping[str, str] = os.environ) -> MailSettings | None:
    """The mail server from ``SOP_SMTP_*``; None when ``SOP_SMTP_HOST`` is not set."""
    host = env.get("SOP_SMTP_HOST", "").strip()
    if not host:
        return None
    tls = env.get("SOP_SMTP_TLS", "").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise _bad("SOP_SMTP_TLS", tls, "starttls, ssl or none")
    port = _number(env, "SOP_SMTP_PORT", DEFAULT_PORTS[tls], 1, 65535, _("a port number such as 587"))
    timeout = _number(env, "SOP_SMTP_TIMEOUT", 30, 1, 600, _("a number of seconds such as 30"))
    sender = env.get("SOP_SMTP_FROM", "").strip() or "sop-runner@localhost"
    if not re.fullmatch(r"[^@\s]+@[^@\s]+", sender):
        raise _bad("SOP_SMTP_FROM", sender, _("an e-mail address such as sop@kecamatan.go.id"))
    user = env.get("SOP_SMTP_USER", "").strip() or None
    return MailSettings(host, port, tls, user, env.get("SOP_SMTP_PASSWORD") or None, sender, float(timeout))


def notify_settings(env: Mapping[str, str] = os.environ) -> NotifySettings:
    hour_text = env.get("SOP_NOTIFY_HOUR", "").strip() or "07:00"
    found = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", hour_text)
    if not found:
        raise _bad("SOP_NOTIFY_HOUR", hour_text, _("a time of day such as 07:00"))
    lang = env.get("SOP_NOTIFY_LANG", "").strip().lower() or "id"  # the office's language, whatever the shell's
    if lang not in LANGUAGES:
        raise _bad("SOP_NOTIFY_LANG", lang, " or ".join(LANGUAGES))
    zone_name = env.get("SOP_NOTIFY_TIMEZONE", "").strip() or Calendar._field_defaults["timezone"]
    try:
        zone(zone_name)
    except UserError:
        raise _bad("SOP_NOTIFY_TIMEZONE", zone_name, _("a time zone such as Asia/Jakarta")) from None
    return NotifySettings(
        mail_settings(env),
        (int(found.group(1)), int(found.group(2))),
        zone_name,
        lang,
        _number(env, "SOP_NOTIFY_LEASE", 300, 1, 86400, _("a number of seconds such as 300")),
        _number(env, "SOP_NOTIFY_INTERVAL", 60, 0, 86400, _("a number of seconds such as 60, or 0")),
        _number(env, "SOP_NOTIFY_WINDOW_HOURS", 24, 1, 24 * 31, _("a number of hours such as 24")),
        _number(env, "SOP_NOTIFY_RETRY", 60, 1, 3600, _("a number of seconds such as 60")),
    )
