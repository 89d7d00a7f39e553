"""The one way a file a user names is read or written.

Reading: only a regular file, never more than a limit. A device (/dev/zero)
would be read forever, a FIFO would block the open itself, a folder or a
socket has no content to keep; each is refused at once. The descriptor is
opened without blocking and judged by ``fstat`` (what was opened, not what
the name pointed at a moment before), and the limit is enforced while
reading, so a file that grows under us still stops at the limit.

Writing: a regular file (or a new one) in a folder that exists, written
beside it and renamed over it, so a reader never sees half a file and a
failed write leaves the old file as it was.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from .errors import UserError
from .i18n import _

if TYPE_CHECKING:
    from pathlib import Path

_CHUNK = 1024 * 1024


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return _("a folder")
    if stat.S_ISFIFO(mode):
        return _("a pipe (FIFO)")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    return _("a file of another kind")


def not_a_file(path: str | os.PathLike[str], mode: int) -> UserError:
    return UserError(
        _("{path} is {kind}, not a file; give a regular file").format(path=path, kind=_kind(mode)),
        "not-a-file",
        path=str(path),
    )


def unreadable(path: str | os.PathLike[str], error: OSError) -> UserError:
    return UserError(
        _("cannot read {path}: {reason}").format(path=path, reason=error.strerror or error),
        "unreadable",
        path=str(path),
    )


def read_regular(path: str | os.PathLike[str], limit: int, too_large: Callable[[int | None], UserError]) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes.

    ``too_large(size)`` makes the error for a bigger file (``size`` is None
    when the file grew past the limit while it was read).
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        try:  # a socket cannot be opened at all (ENXIO): say what it is
            mode = os.stat(path).st_mode
        except OSError:
            raise unreadable(path, e) from None
        if not stat.S_ISREG(mode):
            raise not_a_file(path, mode) from None
        raise unreadable(path, e) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_a_file(path, info.st_mode)
        if info.st_size > limit:
            raise too_large(info.st_size)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise too_large(None)
        return b"".join(chunks)
    except OSError as e:
        raise unreadable(path, e) from None
    finally:
        os.close(fd)


def megabytes(setting: str, default: float) -> int:
    """A size limit in bytes from the environment variable ``setting`` (megabytes, a positive number)."""
    value = os.environ.get(setting)
    if value is None:
        return int(default * 1024 * 1024)
    try:
        mb = float(value)
    except ValueError:
        mb = math.nan
    if not (math.isfinite(mb) and mb > 0):
        raise UserError(
            _("{setting} is '{value}'; set it to a positive number of megabytes, e.g. {default:g}").format(
                setting=setting, value=value, default=default
            ),
            "bad-setting",
            setting=setting,
            value=value,
        )
    return int(mb * 1024 * 1024)


def check_output(path: Path) -> os.stat_result | None:
    """Refuse, before any work is done, a place no file can be written to: a folder, a device,
    a pipe, or a name in a folder that does not exist. Returns what stands there now, if anything."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as e:
        raise unwritable(path, e) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UserError(
            _("{path} is {kind}; give the name of a file to write").format(path=path, kind=_kind(info.st_mode)),
            "output-not-a-file",
            path=str(path),
        )
    if info is not None and not os.access(path, os.W_OK):  # a file kept read-only on purpose stays as it is
        raise unwritable(path, PermissionError(13, os.strerror(13)))
    if not path.parent.is_dir():
        raise UserError(
            _("the folder {folder} does not exist; create it first or write elsewhere").format(folder=path.parent),
            "no-such-folder",
            path=str(path),
        )
    return info


def write_file(path: Path, data: bytes, private: bool = False) -> None:
    """Write ``data`` to ``path`` whole or not at all; ``private``: readable by the owner only.

    The bytes go to a new file beside it, renamed over ``path`` once they are all
    on disk: a full disk or a crash leaves the old file (or none), never half of one.
    """
    info = check_output(path)
    folder = path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.tmp"
    try:
        fd = os.open(
            tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600 if private else 0o666
        )
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if info is not None and not private:  # keep the permissions of the file it replaces
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise unwritable(path, e) from None


def unwritable(path: str | os.PathLike[str], error: OSError) -> UserError:
    return UserError(
        _("cannot write {path}: {reason}; nothing was written").format(path=path, reason=error.strerror or error),
        "unwritable",
        path=str(path),
    )


OTHER_SUFFIXES = {"htm": "html", "txt": "table", "mmd": "mermaid", "gv": "dot"}  # other names of a format
BINARY_FORMATS = frozenset({"pdf", "xlsx"})  # written as bytes, never to a terminal


def output_format(
    path: Path | None,
    formats: Iterable[str],
    chosen: str | None = None,
    default: str | None = None,
    aliases: Mapping[str, str] | None = None,
    stem: str = "FILE",
) -> str:
    """The format a document is written in: the one ``chosen``, or the one the suffix of ``path`` names
    (``aliases`` maps other suffixes to a format, by default ``OTHER_SUFFIXES``: htm -> html), else
    ``default``.

    The one place every command with an output file decides it: a suffix that names no format the command
    writes (``m.xlsx`` of a command without a workbook) is refused, never written in another format under
    that name; so is a suffix that contradicts the format chosen, and a binary format (pdf, xlsx) with no
    file to go to (``stem`` names the file the hint suggests)."""
    known = list(formats)  # the formats a file is named after
    other = OTHER_SUFFIXES if aliases is None else aliases
    names = {f: f for f in known} | {k: v for k, v in other.items() if v in known or v == default}
    suffix = path.suffix.lstrip(".").lower() if path is not None else ""
    if path is None or not suffix:
        fmt = chosen or default
        if fmt is None:
            raise UserError(_("give the file a suffix: {suffixes}").format(suffixes=_suffixes(known)), "output-suffix")
        if path is None and fmt in BINARY_FORMATS:
            raise UserError(
                _("a {fmt} file cannot go to the terminal: add -o {stem}.{fmt}").format(fmt=fmt, stem=stem),
                "output-needs-file",
            )
        return fmt
    named = names.get(suffix)
    if named is None:
        raise UserError(
            _("{path}: a .{suffix} file cannot be written here; name it {suffixes}").format(
                path=path, suffix=suffix, suffixes=_suffixes(known)
            ),
            "output-suffix",
            path=str(path),
            suffix=suffix,
            formats=known,
        )
    if chosen is not None and chosen != named:
        raise UserError(
            _("{path} is named as {named}, but the format asked for is {fmt}; name the file for the format").format(
                path=path, named=named, fmt=chosen
            ),
            "output-suffix-mismatch",
            path=str(path),
            suffix=suffix,
            format=chosen,
        )
    return named


def _suffixes(names: Iterable[str]) -> str:
    return ", ".join(f".{s}" for s in names)
