"""The one door for user-facing text: which language, and ``_()`` that speaks it.

Every string a clerk or an admin reads goes through ``_()`` (``ngettext()``
when it counts something: "1 case", "2 cases"); strings that stand in tables
are marked with ``N_()`` where they are defined (so that extraction finds
them) and translated with ``_()`` where they are shown.
Source strings are English. The gettext catalogues in ``runner/locale``
(managed with Babel: ``make translations``) make Indonesian (``id``, the
language of the product) and English (``en``).

The language is the one ``set_language`` was given (``sop --lang``), else
``SOP_LANG``, else the first of the standard gettext variables (``LANGUAGE``,
a colon-separated list, then the locale: the first set of ``LC_ALL``,
``LC_MESSAGES``, ``LANG``) that names a supported language, else Indonesian.
A missing or damaged catalogue gives the English source text, never a crash.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
DOMAIN = "sop-runner"  # our messages; "click" holds click's own (runner/cli/__init__.py)
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")

# None: not decided yet, read from the environment on first use. A context variable, so that the web
# front door speaks each request's language while it serves several at once (threads copy the context)
_language: ContextVar[str | None] = ContextVar("sop_language", default=None)
_catalogues: dict[tuple[str, str], Any] = {}  # (domain, language) -> gettext translations, read once


def language_from(environ: Mapping[str, str]) -> str:
    """The supported language an environment asks for; Indonesian when it names none."""
    wanted = [environ.get("SOP_LANG", ""), *environ.get("LANGUAGE", "").split(":")]
    # of the locale variables the first one set decides, as in POSIX: LC_ALL=C overrides LANG
    wanted.append(next((environ[v] for v in ("LC_ALL", "LC_MESSAGES", "LANG") if environ.get(v)), ""))
    for name in wanted:
        code = name.partition(".")[0].partition("@")[0].partition("_")[0].lower()  # en_US.UTF-8 -> en
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def language() -> str:
    """The language every string is shown in now."""
    lang = _language.get()
    if lang is None:
        lang = language_from(os.environ)
        _language.set(lang)
    return lang


def set_language(lang: str | None) -> None:
    """Speak ``lang`` (one of LANGUAGES) from now on; None: what the environment asks for."""
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; supported: {', '.join(LANGUAGES)}")
    _language.set(lang)


def catalogue(domain: str = DOMAIN) -> Any:
    """The gettext translations of ``domain`` in the current language (``gettext``, ``ngettext``)."""
    lang = language()
    found = _catalogues.get((domain, lang))
    if found is None:
        import gettext  # already loaded by click in the CLI; a library user pays for it only here
        import struct  # as gettext: only when a catalogue is read

        # the file by its path: gettext.translation() would also look at the locale variables
        path = os.path.join(LOCALE_DIR, lang, "LC_MESSAGES", f"{domain}.mo")
        try:
            with open(path, "rb") as f:
                found = gettext.GNUTranslations(f)
        except (OSError, ValueError, struct.error):  # missing or damaged: the source text
            found = gettext.NullTranslations()
        _catalogues[(domain, lang)] = found
    return found


def _(message: str) -> str:
    """``message`` in the current language."""
    return str(catalogue().gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` as the number ``n`` asks, in the current language (Indonesian has one form)."""
    return str(catalogue().ngettext(singular, plural, n))


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; ``_()`` translates it where it is shown."""
    return message
