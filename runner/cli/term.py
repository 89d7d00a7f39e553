"""Everything the terminal shows: tables, colours, errors, JSON.

Results go to stdout; messages meant for people go to stderr, so that
``id=$(sop case start pelacuran)`` captures the id alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import click

from ..i18n import _
from ..l10n import format_span


def out(text: str = "") -> None:
    click.echo(text)


def say(text: str = "") -> None:
    click.echo(text, err=True)


def error(message: str) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + message, err=True)


def json_out(data: Any) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def json_stream(items: Iterable[Any]) -> None:
    """A JSON list written item by item, as ``json_out`` would write it whole."""
    import json

    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
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
    import shutil

    return max(60, shutil.get_terminal_size((120, 24)).columns)


def relative(deadline: str | None, now: datetime | None = None) -> str:
    """'in 1 hour 20 minutes' / '2 days 3 hours overdue': how far off a deadline is, at a glance."""
    if deadline is None:
        return _("no time standard")
    now = now or datetime.now(timezone.utc)
    seconds = (datetime.fromisoformat(deadline) - now).total_seconds()
    span = format_span(seconds)
    if seconds < 0:
        return _("{span} overdue").format(span=span)
    return _("in {span}").format(span=span)


def height() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).lines


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    flex: int,
    fixed: dict[int, int] | None = None,
    compact: bool = False,
) -> str:
    """A boxed table that fits the terminal; column ``flex`` takes the space left over.

    Cells wrap at words. ``fixed`` gives widths for some columns; the others
    are as wide as their widest word or header. ``compact`` draws no line
    between rows, for lists of one-line rows.
    """
    fixed = fixed or {}

    def natural(i: int) -> int:
        cells = [str(r[i]) for r in rows]
        longest_word = max((len(w) for c in [headers[i], *cells] for w in c.split()), default=0)
        longest_cell = max((len(c) for c in cells), default=0)
        # short cells stay on one line; long ones wrap at their longest word
        return max(3, min(max(longest_word, longest_cell if longest_cell <= 24 else 0), 30))

    widths = [fixed.get(i) or (20 if i == flex else natural(i)) for i in range(len(headers))]
    total = sum(widths) + 3 * len(widths) + 1
    widths[flex] = max(20, widths[flex] + width() - total)

    import textwrap

    def wrap(cell: str, w: int) -> list[str]:
        lines: list[str] = []
        for para in str(cell).split("\n"):
            lines.extend(textwrap.wrap(para, w, break_long_words=True) or [""])
        return lines

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
