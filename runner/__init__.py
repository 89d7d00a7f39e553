"""sop-runner: document Standard Operating Procedures as YAML, run cases through them, print them.

The public Python API; the ``sop`` command is one front door to it, and every
other (a report, a web view) uses the same names::

    import runner

    sop = runner.load_sop(runner.find_sop("pelacuran"))
    with runner.open_store("sqlite:///kasus.sqlite3") as store:
        cases = runner.Cases(store)
        case = cases.start(sop, title="Laporan RW 03", attach=[runner.Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib")
        print(cases.show(case.id).to_json()["step"]["id"])

Refusals are ``runner.Refused`` with a ``kind`` and ``details``; every error a
user can cause is a ``runner.UserError``. Names are imported when first used,
so ``import runner`` costs nothing.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

# The API is listed once, as the imports mypy and editors read; at run time they are not executed
# (importing everything would cost every command its start-up): _read_api reads the same lines and
# __getattr__ imports a name's module on first use.
if TYPE_CHECKING:
    from .cases.checkpoint import Checkpoint as Checkpoint
    from .cases.findings import Finding as Finding
    from .cases.lifecycle import SopStatus as SopStatus
    from .cases.lifecycle import VersionStatus as VersionStatus
    from .cases.records import Attachment as Attachment
    from .cases.records import CaseSummary as CaseSummary
    from .cases.records import CaseView as CaseView
    from .cases.records import HistoryEntry as HistoryEntry
    from .cases.records import Holder as Holder
    from .cases.records import MigrationPlan as MigrationPlan
    from .cases.records import max_attachment_bytes as max_attachment_bytes
    from .cases.service import Cases as Cases
    from .definition import END as END
    from .definition import SOP as SOP
    from .definition import Signature as Signature
    from .definition import Step as Step
    from .definition import discover_sops as discover_sops
    from .definition import find_sop as find_sop
    from .definition import load_sop as load_sop
    from .definition import pelaksana_names as pelaksana_names
    from .definition.checks import Problem as Problem
    from .definition.checks import Validation as Validation
    from .definition.checks import check_paths as check_paths
    from .definition.diff import Change as Change
    from .definition.diff import SopDiff as SopDiff
    from .definition.diff import diff_sops as diff_sops
    from .definition.identity import identity_fields as identity_fields
    from .definition.skeleton import write_skeleton as write_skeleton
    from .documents import BINARY_FORMATS as BINARY_FORMATS
    from .documents import FORMATS as FORMATS
    from .documents import PAPER_SIZES as PAPER_SIZES
    from .documents import format_for as format_for
    from .documents import progress_of as progress_of
    from .documents import render as render
    from .documents.sheet import SHEET_FORMATS as SHEET_FORMATS
    from .documents.sheet import render_sheet as render_sheet
    from .documents.sheet import sheet_link as sheet_link
    from .documents.site import CatalogueEntry as CatalogueEntry
    from .documents.site import catalogue as catalogue
    from .documents.site import write_site as write_site
    from .errors import ConcurrentChange as ConcurrentChange
    from .errors import InvalidSOP as InvalidSOP
    from .errors import Refused as Refused
    from .errors import UserError as UserError
    from .files import check_output as check_output
    from .files import output_format as output_format
    from .files import write_file as write_file
    from .importing import ImportReport as ImportReport
    from .importing import import_sop as import_sop
    from .notify import MailSettings as MailSettings
    from .notify import NotifyReport as NotifyReport
    from .notify import NotifySettings as NotifySettings
    from .notify import Reminders as Reminders
    from .notify import notify_settings as notify_settings
    from .notify import send_reminders as send_reminders
    from .people.service import People as People
    from .people.service import Post as Post
    from .people.sessions import Session as Session
    from .people.sessions import Sessions as Sessions
    from .reports import MONITORING_FORMATS as MONITORING_FORMATS
    from .reports import REPORT_FORMATS as REPORT_FORMATS
    from .reports import MonitoringForm as MonitoringForm
    from .reports import Period as Period
    from .reports import Report as Report
    from .reports import SopFigures as SopFigures
    from .reports import build_report as build_report
    from .reports import empty_figures as empty_figures
    from .reports import monitoring_form as monitoring_form
    from .reports import render_monitoring as render_monitoring
    from .reports import render_report as render_report
    from .reports import report_charts as report_charts
    from .reports import report_tables as report_tables
    from .store import ACTING as ACTING
    from .store import CaseRow as CaseRow
    from .store import PengesahanRow as PengesahanRow
    from .store import PersonRow as PersonRow
    from .store import PostRow as PostRow
    from .store import SQLStore as SQLStore
    from .store import Status as Status
    from .store import open_store as open_store
    from .store import post_title as post_title
    from .web import create_app as create_app
    from .web import serve as serve


def _read_api() -> dict[str, tuple[str, str]]:
    """public name -> (module, name in it), from the ``if TYPE_CHECKING:`` block above."""
    api: dict[str, tuple[str, str]] = {}
    with open(__file__, encoding="utf-8") as source:
        lines = iter(source)
        for line in lines:
            if line.startswith("if TYPE_CHECKING:"):
                break
        for line in lines:
            if not line.startswith("    "):
                break
            words = line.split()  # "from", ".module", "import", its name, "as", the public name
            if words[:1] == ["from"]:
                api[words[5]] = (f"runner{words[1]}", words[3])
    return api


_API = _read_api()
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    try:
        module, attr = _API[name]
    except KeyError:
        raise AttributeError(f"module 'runner' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
