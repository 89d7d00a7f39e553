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

# public name -> (module, name in that module)
_API: dict[str, tuple[str, str]] = {
    # SOP definitions
    "SOP": ("runner.definition", "SOP"),
    "Step": ("runner.definition", "Step"),
    "END": ("runner.definition", "END"),
    "find_sop": ("runner.definition", "find_sop"),
    "load_sop": ("runner.definition", "load_sop"),
    "discover_sops": ("runner.definition", "discover_sops"),
    "check_paths": ("runner.definition.checks", "check_paths"),
    "Validation": ("runner.definition.checks", "Validation"),
    "Problem": ("runner.definition.checks", "Problem"),
    "write_skeleton": ("runner.definition.skeleton", "write_skeleton"),
    # SOP tables offices already have (Word, Excel, text) into a draft
    "import_sop": ("runner.importing", "import_sop"),
    "ImportReport": ("runner.importing", "ImportReport"),
    "diff_sops": ("runner.definition.diff", "diff_sops"),
    "SopDiff": ("runner.definition.diff", "SopDiff"),
    "Change": ("runner.definition.diff", "Change"),
    # cases and their store
    "open_store": ("runner.store", "open_store"),
    "Status": ("runner.store", "Status"),
    "CaseRow": ("runner.store", "CaseRow"),
    "Cases": ("runner.cases.service", "Cases"),
    "Attachment": ("runner.cases.records", "Attachment"),
    "max_attachment_bytes": ("runner.cases.records", "max_attachment_bytes"),
    "CaseView": ("runner.cases.records", "CaseView"),
    "CaseSummary": ("runner.cases.records", "CaseSummary"),
    "HistoryEntry": ("runner.cases.records", "HistoryEntry"),
    "MigrationPlan": ("runner.cases.records", "MigrationPlan"),
    "Finding": ("runner.cases.findings", "Finding"),
    "Checkpoint": ("runner.cases.checkpoint", "Checkpoint"),
    "Holder": ("runner.cases.records", "Holder"),
    "SopStatus": ("runner.cases.lifecycle", "SopStatus"),
    "VersionStatus": ("runner.cases.lifecycle", "VersionStatus"),
    "PengesahanRow": ("runner.store", "PengesahanRow"),
    "SQLStore": ("runner.store", "SQLStore"),
    # people and their posts
    "People": ("runner.people.service", "People"),
    "Post": ("runner.people.service", "Post"),
    "PersonRow": ("runner.store", "PersonRow"),
    "PostRow": ("runner.store", "PostRow"),
    "post_title": ("runner.store", "post_title"),
    "ACTING": ("runner.store", "ACTING"),
    "Sessions": ("runner.people.sessions", "Sessions"),
    "Session": ("runner.people.sessions", "Session"),
    # documents
    "render": ("runner.documents", "render"),
    "FORMATS": ("runner.documents", "FORMATS"),
    "BINARY_FORMATS": ("runner.documents", "BINARY_FORMATS"),
    "PAPER_SIZES": ("runner.documents", "PAPER_SIZES"),
    "format_for": ("runner.documents", "format_for"),
    "progress_of": ("runner.documents", "progress_of"),
    # reports from real cases
    "Period": ("runner.reports", "Period"),
    "Report": ("runner.reports", "Report"),
    "SopFigures": ("runner.reports", "SopFigures"),
    "build_report": ("runner.reports", "build_report"),
    "empty_figures": ("runner.reports", "empty_figures"),
    "report_tables": ("runner.reports", "report_tables"),
    "REPORT_FORMATS": ("runner.reports", "REPORT_FORMATS"),
    "render_report": ("runner.reports", "render_report"),
    "MonitoringForm": ("runner.reports", "MonitoringForm"),
    "monitoring_form": ("runner.reports", "monitoring_form"),
    "render_monitoring": ("runner.reports", "render_monitoring"),
    # files a user names
    "write_file": ("runner.files", "write_file"),
    "check_output": ("runner.files", "check_output"),
    "output_format": ("runner.files", "output_format"),
    # the web front door (sop serve)
    "create_app": ("runner.web", "create_app"),
    "serve": ("runner.web", "serve"),
    # errors
    "UserError": ("runner.errors", "UserError"),
    "Refused": ("runner.errors", "Refused"),
    "InvalidSOP": ("runner.errors", "InvalidSOP"),
    "ConcurrentChange": ("runner.errors", "ConcurrentChange"),
}

__all__ = ["__version__", *_API]

if TYPE_CHECKING:  # what mypy and editors see; at run time __getattr__ imports on first use
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
    from .definition import Step as Step
    from .definition import discover_sops as discover_sops
    from .definition import find_sop as find_sop
    from .definition import load_sop as load_sop
    from .definition.checks import Problem as Problem
    from .definition.checks import Validation as Validation
    from .definition.checks import check_paths as check_paths
    from .definition.diff import Change as Change
    from .definition.diff import SopDiff as SopDiff
    from .definition.diff import diff_sops as diff_sops
    from .definition.skeleton import write_skeleton as write_skeleton
    from .documents import BINARY_FORMATS as BINARY_FORMATS
    from .documents import FORMATS as FORMATS
    from .documents import PAPER_SIZES as PAPER_SIZES
    from .documents import format_for as format_for
    from .documents import progress_of as progress_of
    from .documents import render as render
    from .errors import ConcurrentChange as ConcurrentChange
    from .errors import InvalidSOP as InvalidSOP
    from .errors import Refused as Refused
    from .errors import UserError as UserError
    from .files import check_output as check_output
    from .files import output_format as output_format
    from .files import write_file as write_file
    from .importing import ImportReport as ImportReport
    from .importing import import_sop as import_sop
    from .people.service import People as People
    from .people.service import Post as Post
    from .people.sessions import Session as Session
    from .people.sessions import Sessions as Sessions
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
