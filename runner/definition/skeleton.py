"""``sop new``: a commented skeleton that validates as it is, its comments in the reader's language."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import UserError
from ..files import unwritable, write_file
from ..i18n import _
from ..resources import resource_dir, schema_path

_ID = re.compile(r"^[a-z][a-z0-9_-]*$")


def write_skeleton(sop_id: str, folder: Path) -> Path:
    if not _ID.match(sop_id) or sop_id == "end":
        raise UserError(
            _(
                "'{id}' is not a valid SOP id: use lowercase letters, digits, '-' and '_', starting with a letter"
            ).format(id=sop_id)
        )
    path = folder / f"{sop_id}.yaml"
    if path.exists():
        raise UserError(_("{path} exists already; pick another id or edit that file").format(path=path))
    import jinja2  # only `sop new` needs it here

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(resource_dir("templates")),
        autoescape=False,  # YAML, not HTML
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["_"] = _  # the comments speak the reader's language
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise unwritable(path, e) from None
    # the editor finds the schema relative to the new file, wherever sop-runner is installed
    schema = Path(os.path.relpath(schema_path(), folder.resolve())).as_posix()
    write_file(path, env.get_template("skeleton.yaml.j2").render(id=sop_id, schema=schema).encode("utf-8"))
    return path
