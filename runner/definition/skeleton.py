"""``sop new``: a commented skeleton that validates as it is."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import UserError
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
    text = (resource_dir("templates") / "skeleton.yaml").read_text(encoding="utf-8")
    from ..files import unwritable, write_file

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise unwritable(path, e) from None
    # the editor finds the schema relative to the new file, wherever sop-runner is installed
    schema = Path(os.path.relpath(schema_path(), folder.resolve())).as_posix()
    write_file(path, text.replace("{id}", sop_id).replace("{schema}", schema).encode("utf-8"))
    return path
