"""The one door for user-facing text, so that a translation can follow.

Every string a clerk or an admin reads goes through ``_()``. The catalogue is
looked up lazily under the ``sop-runner`` domain; without one the English text
is used as it is.
"""

from __future__ import annotations

import gettext
from pathlib import Path

_translation: gettext.NullTranslations | None = None


def _(message: str) -> str:
    global _translation
    if _translation is None:
        locale_dir = Path(__file__).parent / "locale"
        _translation = gettext.translation("sop-runner", locale_dir, fallback=True)
    return _translation.gettext(message)
