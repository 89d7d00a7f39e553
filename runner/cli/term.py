"""Everything the terminal shows: tables, colours, errors, JSON.

Results go to stdout; messages meant for people go to stderr, so that
``id=$(sop case start pelacuran)`` captures the id alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import click

from ..i18n import _
from ..l10n import format_span

# What a terminal obeys instead of showing: C0 controls (ESC starts every escape sequence,
# CR and BS overwrite what is shown), DEL, C1 controls (U+009B is a one-character CSI) and
# the bidirectional formatting characters that reorder what follows them. Tables for
# str.translate: a regular expression over these ranges costs milliseconds to compile, on
# every start of `sop case show`.
_HIDDEN = [*range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_NAMED = {0x09: "\\t", 0x0A: "\\n", 0x0D: "\\r"}


def _escape(code: int) -> str:
    return _NAMED.get(code) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


_UNSEEN = {code: _escape(code) for code in [*range(0x20), *_HIDDEN]}
_UNSEEN_BUT_NEWLINE = {code: text for code, text in _UNSEEN.items() if code != 0x0A}
_UNSEEN_IN_JSON = {code: f"\\u{code:04x}" for code in _HIDDEN}  # json.dumps escapes C0 in strings itself


def _writable(text: str) -> str:
    """Lone surrogates (the bytes of a name that was not UTF-8) written as escapes: no terminal can show them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def visible(text: str, newlines: bool = False) -> str:
    """Text someone typed (or an SOP holds), as the screen may show it: every control character
    written out as an escape (ESC as ``\\x1b``), so the terminal shows it instead of obeying it.
    ``newlines``: keep line breaks, where the layout lets the text span lines (a table cell)."""
    return _writable(text.translate(_UNSEEN_BUT_NEWLINE if newlines else _UNSEEN))


def out(text: str = "") -> None:
    """A result on stdout, composed by a view: every typed text in it went through ``visible``."""
    click.echo(text)


def say(text: str = "") -> None:
    """A message for people on stderr; one line, whatever the values in it hold."""
    click.echo(visible(text), err=True)


def error(message: str) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + visible(message), err=True)


def _json(data: Any) -> str:
    import json  # only --json output needs it

    # DEL, C1 and the bidi controls json leaves as they are; only strings hold them, where \\u is valid
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _writable(text.translate(_UNSEEN_IN_JSON))


def json_out(data: Any) -> None:
    click.echo(_json(data))


def json_stream(items: Iterable[Any]) -> None:
    """A JSON list written item by item, as ``json_out`` would write it whole."""
    first = True
    for item in items:
        text = _json(item).replace("\n", "\n  ")
        click.echo(("[\n  " if first else ",\n  ") + text, nl=False)
        first = False
    click.echo("[]" if first else "\n]")


def bold(text: str) -> str:
    return click.style(text, bold=True)


def red(text: str) -> str:
    return click.style(text, fg="red", bold=True)


def dim(text: str) -> str:
    return click.style(text, dim=True)


def width() -> int:
    import shutil  # only what fits the terminal's size needs it

    return max(60, shutil.get_terminal_size((120, 24)).columns)


def relative(deadline: str | None, now: datetime | None = None) -> str:
    """'in 1 hour 20 minutes' / '2 days 3 hours overdue': how far off a deadline is, at a glance."""
    if deadline is None:
        return _("no time standard")
    now = now or datetime.now(timezone.utc)
    try:
        seconds = (datetime.fromisoformat(deadline) - now).total_seconds()
    except (ValueError, TypeError, OverflowError):  # a damaged row: no distance to tell
        return "?"
    span = format_span(seconds)
    if seconds < 0:
        return _("{span} overdue").format(span=span)
    return _("in {span}").format(span=span)


def height() -> int:
    import shutil  # only what fits the terminal's size needs it

    return shutil.get_terminal_size((120, 24)).lines


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    flex: int,
    fixed: dict[int, int] | None = None,
    compact: bool = False,
) -> str:
    """A boxed table that fits the terminal; column ``flex`` takes the space left over.

    Every cell is shown through ``visible`` (its own line breaks kept) and
    wraps at words. ``fixed`` gives widths for some columns; the others are as
    wide as their widest word or header. ``compact`` draws no line between
    rows, for lists of one-line rows. Time and memory grow linearly with the
    text, however long one cell is.
    """
    fixed = fixed or {}
    headers = [visible(str(h), newlines=True) for h in headers]
    rows = [[visible(str(c), newlines=True) for c in r] for r in rows]

    def natural(i: int) -> int:
        cells = [r[i] for r in rows]
        longest_word = max((len(w) for c in [headers[i], *cells] for w in c.split()), default=0)
        longest_cell = max((len(c) for c in cells), default=0)
        # short cells stay on one line; long ones wrap at their longest word
        return max(3, min(max(longest_word, longest_cell if longest_cell <= 24 else 0), 30))

    widths = [fixed.get(i) or (20 if i == flex else natural(i)) for i in range(len(headers))]
    total = sum(widths) + 3 * len(widths) + 1
    widths[flex] = max(20, widths[flex] + width() - total)

    def line(left: str, mid: str, right: str) -> str:
        return left + mid.join("─" * (w + 2) for w in widths) + right

    def render(cells: Sequence[str], style: Any = None) -> list[str]:
        wrapped = [wrap(c, w) for c, w in zip(cells, widths, strict=False)]
        height = max(len(c) for c in wrapped)
        result = []
        for k in range(height):
            parts = []
            for c, w in zip(wrapped, widths, strict=False):
                text = (c[k] if k < len(c) else "").ljust(w)
                parts.append(style(text) if style else text)
            result.append("│ " + " │ ".join(parts) + " │")
        return result

    lines = [line("┌", "┬", "┐"), *render(headers, bold), line("├", "┼", "┤")]
    for i, r in enumerate(rows):
        lines.extend(render(r))
        if i < len(rows) - 1 and not compact:
            lines.append(line("├", "┼", "┤"))
    lines.append(line("└", "┴", "┘"))
    return "\n".join(lines)


_WORD = re.compile(r"\S+")


def wrap(cell: str, w: int) -> list[str]:
    """``cell`` in lines of at most ``w`` characters, broken at spaces and its own line breaks;
    a word longer than a line is cut. One pass over the text (textwrap re-slices a long word
    for every line it cuts, which is quadratic)."""
    lines: list[str] = []
    for para in cell.split("\n"):
        parts: list[str] = []  # the words of the line being filled
        used = 0
        for m in _WORD.finditer(para):
            word = m.group()
            if parts and used + 1 + len(word) > w:
                lines.append(" ".join(parts))
                parts, used = [], 0
            if len(word) > w:  # cut into whole lines; the rest begins the next line
                cut = len(word) - (len(word) % w or w)
                lines.extend(word[i : i + w] for i in range(0, cut, w))
                word = word[cut:]
            parts.append(word)
            used += len(word) + (1 if len(parts) > 1 else 0)
        lines.append(" ".join(parts))
    return lines
