"""The pages' Jinja2 templates (``templates/web/``), speaking the request's language through ``_()``."""

from __future__ import annotations

import functools
import os
from typing import Any
from urllib.parse import quote

import jinja2

from ..i18n import _, ngettext
from ..l10n import format_stamp
from ..resources import resource_folder


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_folder("templates")),
        autoescape=True,  # SOP text, titles and notes are data: a <script> in them stays text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    # looked up at render time: they follow the request's language; quote: ids and names in links
    env.globals.update(_=_, ngettext=ngettext, quote=quote)
    env.filters["moment"] = _moment
    return env


def _moment(value: Any, tz: str) -> str:
    """A stored or local ISO time as people read it ("7 Desember 2026 pukul 10.00"), in the SOP's zone."""
    return format_stamp(str(value), tz) if value else ""


def static_folder() -> str:
    return os.path.join(resource_folder("templates"), "web", "static")
