"""The default store: one SQLite file (standard library), WAL and durable commits.

The file is judged before anything is written to it: a missing or empty file
becomes a store only for a command that writes, a file of another program is
refused untouched. A store sop-runner creates is readable by its owner alone
(attachments are personal data); SQLite gives its -wal and -shm files the
mode of the database file. Every failure of the world (a locked, full,
read-only or damaged store) becomes a UserError that says what to do.
"""

from __future__ import annotations

import functools
import math
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import UserError
from ..files import not_a_file
from ..i18n import _
from .chain import people_hash
from .clock import iso
from .sql import OutcomeUnknown
from .sqlite_writes import SQLiteWrites

PRAGMAS = (
    "PRAGMA journal_mode = WAL",  # readers never wait for the writer
    "PRAGMA synchronous = FULL",  # a reported commit survives a power cut
)

LOCK_WAIT = 10.0  # seconds a command waits for another one's write to end (env SOP_LOCK_WAIT)


def lock_wait() -> float:
    value = os.environ.get("SOP_LOCK_WAIT")
    if value is None:
        return LOCK_WAIT
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 <= seconds <= 3600):
        raise UserError(
            _("SOP_LOCK_WAIT is '{value}'; set it to the seconds to wait for a busy store, e.g. {default:g}").format(
                value=value, default=LOCK_WAIT
            ),
            "bad-setting",
            setting="SOP_LOCK_WAIT",
            value=value,
        )
    return seconds


@functools.cache
def os_login() -> str:
    """The login of the user this process runs as: from the OS's user database, not the environment."""
    try:
        import pwd  # only the OS login is asked here

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # Windows; or a uid with no name, as in a bare container
        import getpass  # only the OS login is asked here

        try:
            return getpass.getuser()
        except (OSError, KeyError):
            return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


_TEXT = functools.partial(str, encoding="utf-8", errors="replace")


def _uri_path(path: str) -> str:
    """A file name as the path of an SQLite URI: the characters a URI gives meaning escaped."""
    return "".join(f"%{ord(c):02X}" if c in "%?#" else c for c in path)


class SQLiteStore(SQLiteWrites):
    """One SQLite file. Who acts is the OS login, and only this program checks posts:
    whoever can write the file can go around it (a shared office store belongs on PostgreSQL)."""

    blob_type = "BLOB"
    placeholder = "?"
    integrity_errors = (sqlite3.IntegrityError,)
    world_errors = (sqlite3.DatabaseError,)

    def __init__(self, path: str | os.PathLike[str], create: bool = True, private_folder: bool = False) -> None:
        """Open the store in ``path``; ``create``: make it when missing or empty (a writing command).

        ``private_folder``: the folder may be made too, readable by its owner alone
        (the default store's); a folder someone named must exist already.
        """
        self.path = os.fspath(path)
        self.url = f"sqlite:///{self.path}"
        self.wait = lock_wait()
        self._make_file(create, private_folder)
        try:
            # mode=rw never makes a file (that is _make_file's, with its permissions);
            # isolation_level=None: we open our own transactions, so a read never holds a lock
            self.conn = sqlite3.connect(
                f"file:{_uri_path(self.path)}?mode=rw", uri=True, timeout=self.wait, isolation_level=None
            )
        except sqlite3.Error as e:
            raise self.world_error(e) from None
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._define_functions()
            self.open(create)
        except BaseException:
            self.conn.close()
            raise

    def _make_file(self, create: bool, private_folder: bool) -> None:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            info = None
        except OSError as e:
            raise self._cannot_open(e.strerror) from None
        if info is not None:
            if not stat.S_ISREG(info.st_mode):  # a FIFO would block the open, a device be read forever
                raise not_a_file(self.path, info.st_mode)
            self._check_owner(info)
            return
        if not create:
            raise self.missing()
        folder = os.path.dirname(self.path) or "."
        try:
            if private_folder:
                os.makedirs(folder, mode=0o700, exist_ok=True)
            elif not os.path.isdir(folder):
                raise UserError(
                    _(
                        "the folder {folder} of the case store does not exist; create it first, or name another store"
                    ).format(folder=folder),
                    "no-such-folder",
                    store=str(self.path),
                )
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
            os.close(fd)
        except FileExistsError:
            pass  # another command made it a moment ago
        except OSError as e:
            raise UserError(
                _("cannot create the case store {path}: {reason}; nothing was saved").format(
                    path=self.path, reason=e.strerror
                ),
                "store-unwritable",
                store=str(self.path),
            ) from None

    def _check_owner(self, info: os.stat_result) -> None:
        """Before reading: a store that others can replace or change is no record of what happened.

        The file must be its user's (not another's) and writable by nobody else; its folder
        writable by nobody else unless sticky (as /tmp, where others cannot replace our file)."""
        folder = os.path.dirname(os.path.abspath(self.path))
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            raise UserError(
                _(
                    "the case store {path} belongs to another user (uid {uid}); use your own store, or let its owner keep it"
                ).format(path=self.path, uid=info.st_uid),
                "store-not-yours",
                store=str(self.path),
            )
        if info.st_mode & stat.S_IWOTH:
            raise UserError(
                _("the case store {path} may be changed by anyone; make it yours alone: chmod 600 {path}").format(
                    path=self.path
                ),
                "store-open-to-others",
                store=str(self.path),
            )
        try:
            mode = os.stat(folder).st_mode
        except OSError as e:
            raise self._cannot_open(e.strerror) from None
        if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
            raise UserError(
                _(
                    "the folder {folder} of the case store may be written by anyone, who could replace the store; make it yours alone: chmod 700 {folder}"
                ).format(folder=folder),
                "store-open-to-others",
                store=str(self.path),
            )

    def _cannot_open(self, reason: object) -> UserError:
        return UserError(
            _("cannot open the case store {path}: {reason}").format(path=self.path, reason=reason),
            "store-unavailable",
            store=str(self.path),
        )

    def missing(self) -> UserError:
        return UserError(
            _("there is no case store at {path} yet; the first case started makes it").format(path=self.path),
            "store-missing",
            store=str(self.path),
        )

    def foreign(self) -> UserError:
        return UserError(
            _("{path} is an SQLite file of another program, not a case store; name another file").format(
                path=self.path
            ),
            "not-a-store",
            store=str(self.path),
        )

    def table_names(self) -> set[str]:
        rows = self.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").fetchall()
        return {name for (name,) in rows if not name.startswith("sqlite_")}

    def damage(self) -> list[str]:
        rows = self.execute("PRAGMA quick_check").fetchall()
        return [] if [r[0] for r in rows] == ["ok"] else [str(r[0]) for r in rows]

    def prepare(self) -> None:
        for pragma in PRAGMAS:
            self.execute(pragma)

    @contextmanager
    def reading_damage(self) -> Iterator[None]:
        # text that is not UTF-8 (written behind sop's back) reads with U+FFFD in its place: the event then
        # no longer matches its hash, a finding about that case, not a stop for all. Only while verifying:
        # SQLite's own decoder is three times as fast, and every other read refuses such a store
        self.conn.text_factory = _TEXT
        try:
            yield
        finally:
            self.conn.text_factory = str

    def world_error(self, error: BaseException) -> BaseException:
        """What an SQLite error means for the clerk: busy, full, read-only, damaged, or gone."""
        code = getattr(error, "sqlite_errorname", "") or ""
        text = str(error)
        facts = {"store": str(self.path), "reason": text}
        if "Could not decode to UTF-8" in text:
            return UserError(
                _(
                    "the case store {path} is damaged: it holds text that is not UTF-8, which sop never writes; 'sop case verify' names the case"
                ).format(path=self.path),
                "store-damaged",
                **facts,
            )
        if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
            return UserError(
                _(
                    "the case store {path} is busy: another program has been writing to it for more than {wait:g} s; nothing was saved — try again in a moment"
                ).format(path=self.path, wait=self.wait),
                "store-busy",
                wait=self.wait,
                setting="SOP_LOCK_WAIT=SECONDS",
                **facts,
            )
        if code.startswith("SQLITE_FULL") or "is full" in text:
            return UserError(
                _("the disk of the case store {path} is full; nothing was saved — free some space first").format(
                    path=self.path
                ),
                "store-full",
                **facts,
            )
        cannot_open = code.startswith("SQLITE_CANTOPEN") or "unable to open" in text
        if cannot_open and os.path.exists(self.path) and not os.access(os.path.dirname(self.path) or ".", os.W_OK):
            # WAL keeps its index in a -shm file beside the store, even to read it
            return UserError(
                _(
                    "the case store {path} is in a folder that cannot be written, and SQLite must write beside it even to read; copy it to a writable folder, or make this one writable"
                ).format(path=self.path),
                "store-read-only",
                **facts,
            )
        if code.startswith("SQLITE_READONLY") or "readonly" in text:
            return UserError(
                _(
                    "the case store {path} can be read but not written (a read-only file or folder); nothing was saved"
                ).format(path=self.path),
                "store-read-only",
                **facts,
            )
        if (
            code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
            or "malformed" in text
            or "not a database" in text
            or text.startswith(("no such table", "no such column"))  # our tables, cut down by hand
        ):
            return UserError(
                _("the case store {path} is damaged or not an SQLite file ({reason}); restore it from a backup").format(
                    path=self.path, reason=text
                ),
                "store-damaged",
                **facts,
            )
        if code.startswith("SQLITE_IOERR") or "I/O error" in text:
            return UserError(
                _("the disk failed while the case store {path} was used ({reason}); nothing was saved").format(
                    path=self.path, reason=text
                ),
                "store-io-error",
                **facts,
            )
        return self._cannot_open(text)

    def _define_functions(self) -> None:
        """What the people chain's triggers call (runner/store/audit.py): only this program defines them."""
        self.conn.create_function("sop_now", 0, lambda: iso(self.clock()))
        self.conn.create_function("sop_actor", 0, lambda: self.login)
        self.conn.create_function("sop_people_hash", 8, people_hash, deterministic=True)

    # the person the web front door signed in (``act_as``); else the OS login acts
    _acting: str | None = None

    @property
    def login(self) -> str:
        return self._acting or os_login()

    def act_as(self, login: str) -> None:
        # the program is SQLite's only guard: it signed the person in with their password (sop serve)
        self._acting = login

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front: two writers queue instead of deadlocking
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as e:  # a full disk, an I/O error: whether it landed, the caller asks
            self._rollback()
            raise OutcomeUnknown(str(e)) from None

    def _rollback(self) -> None:
        # after a full disk or an I/O error SQLite may have rolled back already
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def append_only_sql(self) -> list[str]:
        return [
            f"CREATE TRIGGER events_no_{op.lower()} BEFORE {op} ON events"
            " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END"
            for op in ("UPDATE", "DELETE")
        ]


class EmptyStore(SQLiteStore):
    """What a reading command sees where no store exists yet: no cases, and nothing made on disk.

    Our tables, empty, in memory; a write to it is refused with why the store is missing.
    """

    def __init__(self, url: str, missing: UserError) -> None:
        self.url, self.path, self.wait = url, url, 0.0
        self._missing: UserError | None = None
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        self._define_functions()
        self.migrate()
        self._missing = missing
        self._login = missing.details.get("login")  # a database login (PostgreSQL), else the OS login

    @property
    def login(self) -> str:
        return self._login or os_login()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._missing is not None:
            raise self._missing
        with super().transaction():
            yield
