"""The Jinja2 environment of the documents: autoescaped, so SOP text is always text."""

from __future__ import annotations

import functools
from typing import Any


@functools.cache
def environment() -> Any:
    import jinja2

    from ..resources import resource_dir

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates")),
        autoescape=True,  # SOP text is data: a <script> in an uraian stays text
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
