"""Reminders that reach people: ``sop notify`` (one pass, for cron or a systemd timer) and the
background of ``sop serve`` (a pass a minute).

A pass reads what the store holds, adds the messages it finds due to the outbox (each once: see
``runner/store/outbox.py``), and sends what the outbox holds due over SMTP. Actions never wait on
it: nothing in the write path knows it exists. Settings come from the environment
(``runner/notify/settings.py``).
"""

from __future__ import annotations

import sys
import threading
from datetime import datetime, timezone
from typing import Any, NamedTuple

from ..errors import UserError
from ..i18n import _
from ..store import SQLStore, open_store
from ..store.clock import parse_time
from .compose import Composer
from .mail import deliver
from .settings import MailSettings, NotifySettings, notify_settings

__all__ = ["MailSettings", "NotifyReport", "NotifySettings", "Reminders", "notify_settings", "send_reminders"]


class NotifyReport(NamedTuple):
    """What one pass did."""

    added: int  # messages new to the outbox
    sent: int
    failed: int  # refused by the mail server this time; tried again later
    pending: int  # in the outbox, not sent yet (after this pass)
    unreachable: str | None  # why the mail server could not be used, when it could not
    without_address: tuple[str, ...]  # logins that would have been told but have no e-mail address
    mail_server: bool  # whether one is set (SOP_SMTP_HOST)

    def to_json(self) -> dict[str, Any]:
        return {**self._asdict(), "without_address": list(self.without_address)}


def send_reminders(
    store: SQLStore, at: str | datetime | None = None, settings: NotifySettings | None = None
) -> NotifyReport:
    """One pass: add what is due at ``at`` (default now; text without a zone is in the office's zone)
    to the outbox, and send what it holds due."""
    chosen = settings or notify_settings()
    when = parse_time(at, chosen.timezone) if isinstance(at, str) else at or datetime.now(timezone.utc)
    composer = Composer(store, chosen)
    added = store.enqueue(composer.messages(when))
    delivery = deliver(store, chosen.mail, chosen.lease, chosen.retry)
    pending = len(store.outbox(pending=True))
    return NotifyReport(
        added,
        delivery.sent,
        delivery.failed,
        pending,
        delivery.unreachable,
        tuple(sorted(composer.without_address)),
        chosen.mail is not None,
    )


class Reminders:
    """``sop serve``'s background: a pass every ``SOP_NOTIFY_INTERVAL`` seconds in a thread of its own,
    on a store connection of its own; with several server processes the outbox's claims keep each
    message to one. A failing pass is said once on stderr and tried again at the next interval."""

    def __init__(self, db: str | None) -> None:
        self.db = db
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._said: str | None = None

    @staticmethod
    def wanted() -> bool:
        """Whether to run: a mail server is set and the interval is not 0 (else `sop notify` is the way)."""
        try:
            settings = notify_settings()
        except UserError as e:
            print(_("sop serve: the reminders are off: {why}").format(why=e), file=sys.stderr)
            return False
        return settings.mail is not None and settings.interval > 0

    # (a pass without a mail server never runs here: wanted() says so first)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sop-notify", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            interval = 60
            try:
                settings = notify_settings()
                interval = settings.interval or 60
                with open_store(self.db, create=False) as store:
                    report = send_reminders(store, settings=settings)
                problem = report.unreachable
            except UserError as e:
                problem = str(e)
            except Exception as e:  # our bug: said, and the server keeps serving
                problem = f"{type(e).__name__}: {e}"
            if problem and problem != self._said:
                print(_("sop serve: the reminders: {why}").format(why=problem), file=sys.stderr)
            self._said = problem
            self._stop.wait(interval)
