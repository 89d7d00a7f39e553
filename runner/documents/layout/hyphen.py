"""Text wrapped into a column, words broken as an Indonesian typesetter breaks them.

Lines break between words; a word longer than its column breaks between syllables (pyphen's ``id_ID``
dictionary, the one WeasyPrint hyphenates the identity page with) with a hyphen at the end of the line,
or after a hyphen or slash it holds (``Perundang-`` / ``undangan``, ``800/`` / ``Satpol``), never inside
a syllable: "Dihitun" / "g" read as two words. Only a syllable wider than the whole column (a code, a
column narrower than any syllable) is cut where it must, still marked with a hyphen.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

HYPHEN = "-"
_SPACES = re.compile(r"[ \t\r\f\v]+")  # not the no-break space: it binds, as in HTML
_JOINS = re.compile(r"(?<=[-/])")  # after a hyphen or a slash a word may break as written


@functools.cache
def _dictionary() -> Any:
    import pyphen  # the hyphenation patterns: only a chart that is laid out

    return pyphen.Pyphen(lang="id_ID")


def breaks(word: str) -> list[str]:
    """The pieces a word may break into, in order: a piece ends at a syllable boundary or after a hyphen
    or slash of the word itself. ``"".join(breaks(w)) == w``."""
    out: list[str] = []
    for part in (p for p in _JOINS.split(word) if p):
        head = part[:-1] if part[-1] in "-/" else part
        cuts = [0, *_dictionary().positions(head), len(part)] if head.isalpha() or _wordlike(head) else [0, len(part)]
        out += [part[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]
    return out


def _wordlike(text: str) -> bool:
    """A word with letters and at most some punctuation around it ("(Danru)", "lokalisasi,")."""
    return sum(c.isalpha() for c in text) >= len(text) - 2 and any(c.isalpha() for c in text)


def wrap(text: str, fits: Callable[[str], bool]) -> list[str]:
    """``text`` in lines that each ``fits``; its own line breaks kept, an empty paragraph an empty line."""
    lines: list[str] = []
    for para in text.split("\n"):
        lines += _paragraph(para, fits) or [""]
    return lines


def _paragraph(text: str, fits: Callable[[str], bool]) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in (w for w in _SPACES.split(text) if w):
        candidate = f"{line} {word}" if line else word
        if fits(candidate):
            line = candidate
            continue
        if line:
            lines.append(line)
        if fits(word):
            line = word
            continue
        *whole, line = _broken(word, fits)  # wider than the column: over as many lines as it needs
        lines += whole
    if line:
        lines.append(line)
    return lines


def _broken(word: str, fits: Callable[[str], bool]) -> list[str]:
    """A word wider than the column, in lines: each as many of its pieces as fit, a hyphen after a piece
    that ends inside the word's letters."""
    pieces = breaks(word)
    lines: list[str] = []
    line = ""
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        if fits(line + piece if last else _marked(line + piece)):
            line += piece
            continue
        if line:
            lines.append(_marked(line))
        line = piece
        while len(line) > 1 and not fits(line if last else _marked(line)):  # a syllable wider than the column
            cut = max((k for k in range(1, len(line)) if fits(line[:k] + HYPHEN)), default=1)
            lines.append(line[:cut] + HYPHEN)
            line = line[cut:]
    lines.append(line)
    return lines


def _marked(line: str) -> str:
    """A line that ends a piece of a word: a hyphen added, unless it ends with the word's own hyphen or slash."""
    return line if line.endswith(("-", "/")) else line + HYPHEN
