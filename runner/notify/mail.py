"""Sending the outbox over SMTP: claim a message, send it, mark it sent; never more than one held at a time.

smtplib, ssl and email are imported here, when a pass sends, so that `sop serve`'s start and the
commands typed all day never load them.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from ..store.outbox import OutboxRow, retry_after
from .settings import MailSettings

if TYPE_CHECKING:
    from ..store import SQLStore


class Delivery(NamedTuple):
    sent: int
    failed: int  # messages the server refused this time (they are tried again later)
    unreachable: str | None  # why the mail server could not be used, when it could not


class MailError(Exception):
    def __init__(self, reason: str, server: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.server = server  # the server (not this one message) failed: stop this pass


def _connect(mail: MailSettings) -> Any:
    import smtplib  # the mail client: only a pass that sends loads it
    import ssl

    try:
        if mail.tls == "ssl":
            conn: Any = smtplib.SMTP_SSL(
                mail.host, mail.port, timeout=mail.timeout, context=ssl.create_default_context()
            )
        else:
            conn = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
            if mail.tls == "starttls":
                conn.starttls(context=ssl.create_default_context())
        if mail.user:
            conn.login(mail.user, mail.password or "")
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(_reason(e), server=True) from None
    return conn


def _reason(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    return f"{type(e).__name__}: {text}"[:500]


def _message(row: OutboxRow, mail: MailSettings) -> Any:
    from email.message import EmailMessage  # as smtplib: only a pass that sends
    from email.utils import format_datetime

    msg = EmailMessage()
    msg["From"] = mail.sender
    msg["To"] = row.address
    msg["Subject"] = row.subject
    msg["Message-ID"] = row.message_id  # the same on every attempt: a receiver can tell a repeat
    msg["Date"] = format_datetime(datetime.fromisoformat(row.created_at))
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a reminder
    msg.set_content(row.body)
    return msg


def _send(conn: Any, row: OutboxRow, mail: MailSettings) -> None:
    import smtplib  # as above

    try:
        conn.send_message(_message(row, mail), from_addr=mail.sender, to_addrs=[row.address])
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as e:
        raise MailError(_reason(e), server=False) from None  # this message; the next may go
    except (OSError, smtplib.SMTPException) as e:
        raise MailError(_reason(e), server=True) from None


def deliver(store: SQLStore, mail: MailSettings | None, lease: int, retry: int = 60) -> Delivery:
    """Send what the outbox holds due, one claimed message at a time, until none is left or the
    server fails; a failure is recorded on its message with the time of the next attempt."""
    if mail is None:  # the messages wait in the outbox; the report says so
        return Delivery(0, 0, None)
    claim = secrets.token_hex(8)
    conn: Any = None
    sent = failed = 0
    unreachable: str | None = None
    try:
        while True:
            row = store.claim_outbox(claim, lease)
            if row is None:
                break
            try:
                if conn is None:
                    conn = _connect(mail)
                _send(conn, row, mail)
            except MailError as e:
                store.outbox_failed(row.id, claim, e.reason, retry_after(row.attempts, retry))
                if e.server:
                    unreachable = e.reason
                    break
                failed += 1
                continue
            # sent: a crash before this line sends it again once the lease has run out, with its Message-ID
            store.outbox_sent(row.id, claim)
            sent += 1
    finally:
        if conn is not None:
            try:
                conn.quit()
            except Exception:  # the server went away after the last message: nothing is left to say to it
                pass
    return Delivery(sent, failed, unreachable)
