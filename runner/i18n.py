"""The one door for user-facing text, so that a translation can follow.

Every string a clerk or an admin reads goes through ``_()``. A catalogue is
looked up under the ``sop-runner`` domain in ``runner/locale`` the first time
a string is asked for; without one (as now) the English text is used as it is,
and no time is spent searching for catalogues on every start.
"""

from __future__ import annotations

import os

_LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")
_gettext = None


def _(message: str) -> str:
    global _gettext
    if _gettext is None:
        if os.path.isdir(_LOCALE_DIR):
            import gettext

            _gettext = gettext.translation("sop-runner", _LOCALE_DIR, fallback=True).gettext
        else:
            _gettext = str
    return _gettext(message)
