"""The ``sop`` command: a thin click layer over the Python API.

Heavy modules (jsonschema, jinja2, psycopg, transitions, weasyprint) are
imported inside the commands that need them, so that ``sop case show`` starts
fast. Errors become messages and exit codes in one place: ``main``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from . import __version__, term
from .errors import EXIT_INTERNAL, EXIT_REFUSED, InvalidSOP, UserError
from .i18n import _


@dataclass
class Settings:
    db: str | None
    sop_dirs: tuple[str, ...]

    def sop(self, ref: str) -> Any:
        from .definition import find, load

        return load(find(ref, self.sop_dirs))

    def cases(self) -> Any:
        from .cases import Cases
        from .store import open_store

        return Cases(open_store(self.db), self.sop_dirs)


pass_settings = click.make_pass_decorator(Settings)


def json_option(f: Callable) -> Callable:
    """The shared ``--json`` switch: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help=_("Print JSON instead of a table."))(f)


def action_options(f: Callable) -> Callable:
    """``--at`` and ``--by``, shared by every case action."""
    f = click.option("--at", metavar="TIME", help=_("When it happened (ISO 8601; default now, never in the future)."))(
        f
    )
    return click.option("--by", metavar="NAME", help=_("Who typed it (default: the OS user)."))(f)


attach_option = click.option(
    "--attach",
    "attach",
    multiple=True,
    metavar="NAME[=FILE]",
    help=_("A document now at hand; with =FILE its content is kept in the store. Repeatable."),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    envvar="SOP_DB",
    metavar="URL",
    help=_("Case store: sqlite:///PATH or postgresql://... (env SOP_DB; default a file in your data folder)."),
)
@click.option(
    "--sop-dir",
    "sop_dirs",
    multiple=True,
    metavar="DIR",
    help=_("Folder of SOP files to look in first (repeatable; env SOP_PATH)."),
)
@click.option("--debug", is_flag=True, help=_("Show the Python traceback of unexpected errors."))
@click.version_option(__version__, prog_name="sop")
@click.pass_context
def cli(ctx: click.Context, db: str | None, sop_dirs: tuple[str, ...], debug: bool) -> None:
    """Write SOPs as YAML, run cases through them, print the SOP AP flowchart."""
    ctx.obj = Settings(db, sop_dirs)


# --- SOP definitions ---------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check SOP files (a folder: every *.yaml inside)."""
    from .checks import check_ids_unique, check_paths

    for p in paths:
        if not p.exists():
            raise UserError(_("no file or folder {path}").format(path=p))
    reports = check_paths(paths)
    if not reports:
        raise UserError(
            _("no *.yaml files in {paths}; give SOP files or the folder that holds them").format(
                paths=", ".join(map(str, paths))
            )
        )
    problems = [p for r in reports for p in r.problems] + check_ids_unique(reports)
    for p in problems:
        term.out(str(p))
    errors = sum(p.severity == "error" for p in problems)
    bad_files = len({p.path for p in problems if p.severity == "error"})
    if errors:
        term.say(_("{errors} error(s) in {bad} of {n} file(s)").format(errors=errors, bad=bad_files, n=len(reports)))
        sys.exit(EXIT_REFUSED)
    term.say(_("{n} file(s) valid").format(n=len(reports)))


@cli.command("list")
@json_option
@pass_settings
def list_sops(settings: Settings, as_json: bool) -> None:
    """The SOPs found (--sop-dir, SOP_PATH, ./sop, then the shipped ones)."""
    from .definition import discover, load

    found = []
    for path in discover(settings.sop_dirs):
        try:
            sop = load(path)
            found.append(
                {
                    "id": sop.id,
                    "nama": sop.nama,
                    "version": sop.version,
                    "steps": len(sop.steps),
                    "path": str(path),
                    "valid": True,
                }
            )
        except UserError:
            found.append(
                {"id": path.stem, "nama": None, "version": None, "steps": None, "path": str(path), "valid": False}
            )
    if as_json:
        term.json_out(found)
        return
    rows = [
        [f["id"], f["nama"] or _("(invalid: run sop validate)"), f["version"] or "", str(f["steps"] or ""), f["path"]]
        for f in found
    ]
    term.out(term.table([_("ID"), _("Nama SOP"), _("Versi"), _("Langkah"), _("File")], rows, flex=1))


@cli.command()
@click.argument("sop_ref", metavar="SOP")
@json_option
@pass_settings
def show(settings: Settings, sop_ref: str, as_json: bool) -> None:
    """The SOP as a table, like the printed SOP."""
    sop = settings.sop(sop_ref)
    if as_json:
        term.json_out(sop.to_json())
        return
    from .views import sop_table

    term.out(sop_table(sop))


@cli.command()
@click.argument("sop_id", metavar="ID")
@pass_settings
def new(settings: Settings, sop_id: str) -> None:
    """Write a commented skeleton sop/ID.yaml to fill in."""
    from .skeleton import write_skeleton

    folder = Path(settings.sop_dirs[0]) if settings.sop_dirs else Path("sop")
    path = write_skeleton(sop_id, folder)
    term.say(_("wrote {path}; fill it in, then run: sop validate {path}").format(path=path))
    term.out(str(path))


@cli.command()
@click.argument("sop_ref", metavar="SOP")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help=_("Write to FILE (default: stdout; pdf needs a file).")
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "svg", "pdf", "mermaid", "dot"]),
    help=_("Output format (default: from the -o suffix, else html)."),
)
@click.option("--case", "case_id", metavar="CASE", help=_("Draw this case's progress on the chart."))
@click.option("--steps-per-page", type=click.IntRange(1, 30), help=_("Steps on each page (default: as many as fit)."))
@click.option(
    "--paper",
    type=click.Choice(["a4", "f4"]),
    default="a4",
    show_default=True,
    help=_("A4 landscape, or F4/Folio 215 x 330 mm landscape."),
)
@pass_settings
def flowchart(
    settings: Settings,
    sop_ref: str,
    output: Path | None,
    fmt: str | None,
    case_id: str | None,
    steps_per_page: int | None,
    paper: str,
) -> None:
    """The official SOP AP flowchart document of SOP."""
    from .render import FORMATS, progress_of, render

    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt = {"htm": "html", "mmd": "mermaid", "gv": "dot"}.get(suffix, suffix if suffix in FORMATS else "html")
    if fmt == "pdf" and output is None:
        raise UserError(_("a PDF needs a file: add -o {id}.pdf").format(id=sop_ref))
    overlay = None
    if case_id:
        cases = settings.cases()
        view = cases.show(case_id)
        sop = view.sop  # the definition the case runs on, not today's file
        overlay = progress_of(sop, view, cases.history(case_id))
    else:
        sop = settings.sop(sop_ref)
    document = render(sop, fmt, overlay, steps_per_page, paper)
    if output is None:
        term.out(document.rstrip("\n"))  # type: ignore[union-attr]
        return
    if isinstance(document, bytes):
        output.write_bytes(document)
    else:
        output.write_text(document, encoding="utf-8")
    term.say(_("wrote {path}").format(path=output))


# --- cases ---------------------------------------------------------------------


@cli.group()
def case() -> None:
    """Run cases through an SOP: start, advance, attach, cancel, show, list, history, verify."""


def _attachments(specs: tuple[str, ...]) -> list[Any]:
    from .cases import Attachment

    return [Attachment.parse(s) for s in specs]


@case.command("start")
@click.argument("sop_ref", metavar="SOP")
@click.option("--title", metavar="TEXT", help=_("A short title, e.g. the report's subject."))
@attach_option
@action_options
@json_option
@pass_settings
def case_start(
    settings: Settings,
    sop_ref: str,
    title: str | None,
    attach: tuple[str, ...],
    at: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Start a case of SOP; prints the new case id."""
    sop = settings.sop(sop_ref)
    row = settings.cases().start(sop, title=title, attach=_attachments(attach), at=at, by=by)
    if as_json:
        term.json_out({"id": row.id, "sop": row.sop, "status": row.status, "step": row.step})
        return
    term.out(row.id)
    step = sop.step(row.step)
    term.say(
        _("started {id}: step {no} '{step}' is for {who}").format(
            id=row.id, no=step.no, step=step.id, who=", ".join(step.pelaksana)
        )
    )


@case.command("list")
@click.option("--sop", "sop_id", metavar="SOP", help=_("Only cases of this SOP."))
@click.option("--status", type=click.Choice(["open", "done", "cancelled"]), help=_("Only cases in this status."))
@click.option("--overdue", is_flag=True, help=_("Only open cases past their deadline."))
@json_option
@pass_settings
def case_list(settings: Settings, sop_id: str | None, status: str | None, overdue: bool, as_json: bool) -> None:
    """The cases, oldest first."""
    rows = settings.cases().list(sop=sop_id, status=status, overdue=overdue)
    if as_json:
        term.json_out(rows)
        return
    from .views import case_list_table

    term.out(case_list_table(rows))


@case.command("show")
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_show(settings: Settings, case_id: str, as_json: bool) -> None:
    """Where a case stands: the step, who must act, the deadline, what is missing."""
    view = settings.cases().show(case_id)
    if as_json:
        term.json_out(view.to_json())
        return
    from .views import case_card

    term.out(case_card(view))


@case.command("attach")
@click.argument("case_id", metavar="CASE")
@click.argument("name")
@click.argument("file", required=False, type=click.Path(path_type=Path))
@action_options
@pass_settings
def case_attach(settings: Settings, case_id: str, name: str, file: Path | None, at: str | None, by: str | None) -> None:
    """Record that document NAME is at hand; with FILE its content is kept."""
    from .cases import Attachment

    settings.cases().attach(case_id, [Attachment(name, file)], at=at, by=by)
    term.say(_("attached '{name}' to {id}").format(name=name, id=case_id))


@case.command("advance")
@click.argument("case_id", metavar="CASE")
@click.option("--as", "role", required=True, metavar="PELAKSANA", help=_("The pelaksana who completed the step."))
@click.option("--outcome", metavar="NAME", help=_("The outcome of a decision step."))
@click.option("--note", metavar="TEXT", help=_("A remark kept in the history."))
@attach_option
@action_options
@json_option
@pass_settings
def case_advance(
    settings: Settings,
    case_id: str,
    role: str,
    outcome: str | None,
    note: str | None,
    attach: tuple[str, ...],
    at: str | None,
    by: str | None,
    as_json: bool,
) -> None:
    """Complete the current step of CASE."""
    cases = settings.cases()
    cases.advance(case_id, role, outcome=outcome, note=note, attach=_attachments(attach), at=at, by=by)
    view = cases.show(case_id)
    if as_json:
        term.json_out(view.to_json())
        return
    from .views import case_card

    term.out(case_card(view))


@case.command("cancel")
@click.argument("case_id", metavar="CASE")
@click.option("--reason", required=True, metavar="TEXT", help=_("Why the case stops."))
@action_options
@pass_settings
def case_cancel(settings: Settings, case_id: str, reason: str, at: str | None, by: str | None) -> None:
    """Stop a case before its end."""
    settings.cases().cancel(case_id, reason, at=at, by=by)
    term.say(_("cancelled {id}").format(id=case_id))


@case.command("history")
@click.argument("case_id", metavar="CASE")
@json_option
@pass_settings
def case_history(settings: Settings, case_id: str, as_json: bool) -> None:
    """What happened when, and who did it."""
    events = settings.cases().history(case_id)
    if as_json:
        term.json_out(events)
        return
    from .views import history_table

    term.out(history_table(events))


@case.command("verify")
@click.argument("case_id", metavar="CASE", required=False)
@pass_settings
def case_verify(settings: Settings, case_id: str | None) -> None:
    """Re-hash and replay the events of one case, or of all."""
    problems = settings.cases().verify(case_id)
    for p in problems:
        term.error(p)
    if problems:
        sys.exit(EXIT_REFUSED)
    term.say(_("ok: every event matches its hash and the replay matches the stored state"))


@cli.command()
def demo() -> None:
    """A whole pelacuran case, start to end, on a throw-away store."""
    from .demo import run

    run()


# --- the one place where errors become messages and exit codes -------------------


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        cli.main(args=args, prog_name="sop", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:  # usage errors: click's message, exit 2
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Abort:
        term.error(_("interrupted; look with 'sop case show' at what was saved before"))
        sys.exit(EXIT_REFUSED)
    except InvalidSOP as e:
        for p in e.problems:
            term.say(str(p))
        term.error(_("the SOP file has errors; fix them (see 'sop validate') and try again"))
        sys.exit(EXIT_REFUSED)
    except UserError as e:
        term.error(str(e))
        sys.exit(e.exit_code)
    except Exception as e:
        if debug:
            raise
        term.error(
            _(
                "internal error ({kind}: {msg}); please report it, with the output of the same command run with --debug"
            ).format(kind=type(e).__name__, msg=e)
        )
        sys.exit(EXIT_INTERNAL)
