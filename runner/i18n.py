"""The one door for user-facing text, so that a translation can follow.

Every string a clerk or an admin reads goes through ``_()``; strings that
stand in tables and are translated later are marked with ``N_()`` so that
extraction finds them. A catalogue is looked up under the ``sop-runner``
domain in ``runner/locale`` the first time a string is asked for; without
one the English text is used as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable

_LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
LANGUAGES = ("id", "en")
_gettext: Callable[[str], str] | None = None


def set_language(lang: str) -> None:
    """Use ``lang`` (one of LANGUAGES) for every string from now on."""
    global _gettext
    import gettext

    _gettext = gettext.translation("sop-runner", _LOCALE_DIR, languages=[lang], fallback=True).gettext


def _(message: str) -> str:
    global _gettext
    if _gettext is None:
        if os.path.isdir(_LOCALE_DIR):
            import gettext

            _gettext = gettext.translation("sop-runner", _LOCALE_DIR, fallback=True).gettext
        else:
            _gettext = str
    return _gettext(message)


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; ``_()`` translates it where it is shown."""
    return message
