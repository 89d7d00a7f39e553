"""SOP definitions: the model, reading YAML, the checks, finding files, waktu and the working calendar.

Importing this package stays cheap (no YAML, no jsonschema): the validator is
loaded only when a file must be checked.
"""

from .catalogue import discover_sops, find_sop, load_sop, pelaksana_names, search_path
from .model import COLUMNS, END, SCHEMA_ID, SOP, Calendar, Decision, Pelaksana, Row, Signature, Step, normal
from .shared import did_you_mean, yaml_files

__all__ = [
    "COLUMNS",
    "END",
    "SCHEMA_ID",
    "SOP",
    "Signature",
    "Calendar",
    "Decision",
    "Pelaksana",
    "Row",
    "Step",
    "did_you_mean",
    "discover_sops",
    "find_sop",
    "load_sop",
    "normal",
    "pelaksana_names",
    "search_path",
    "yaml_files",
]
