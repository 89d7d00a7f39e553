"""The Jinja2 environment of the documents: autoescaped, so SOP text is always text.

The document's own words are written ``{{ _("...") }}`` in the templates
(English, found by ``make translations``) and shown in the current language;
``language()`` names it for the HTML ``lang``, and ``|day`` writes a date
of the identity page (a day or a month) in the reader's convention.
"""

from __future__ import annotations

import functools
from typing import Any

from ..definition.dates import parse_signed_date
from ..i18n import _, language, ngettext
from ..resources import resource_dir


@functools.cache
def environment() -> Any:
    import jinja2  # heavy: only documents that are rendered need it

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates")),
        autoescape=True,  # SOP text is data: a <script> in an uraian stays text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(_=_, ngettext=ngettext, language=language)  # looked up at render time: they follow --lang
    env.filters["day"] = _day
    return env


def _day(value: Any) -> str:
    """A date of the identity page as the reader writes it (``15 Januari 2024``, ``Agustus 2023``);
    anything else (an empty field) as it was written."""
    signed = parse_signed_date(str(value))
    return signed.printed() if signed else str(value)
