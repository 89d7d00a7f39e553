"""The shape of the house: who may import whom, the public API, help for every command.

The rules, checked on the source (AST), imports inside functions included:
- nothing outside ``runner.cli`` imports click or ``runner.cli``;
- ``runner.cli`` uses the public API only: names from ``runner`` (its ``__all__``),
  plus ``runner.errors`` (the error vocabulary), ``runner.i18n`` (the translation door)
  and ``runner.l10n`` (dates and numbers in the reader's convention);
- no cycle among the modules, nor among the packages (``runner.X``), counting imports inside
  functions too: only those under ``if TYPE_CHECKING:`` never run. The packages run one way:
  cli -> runner (the API) -> reports, documents, people -> cases -> store -> definition -> leaves;
- an import inside a function is there to keep a start light, and says so in a comment.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import ROOT, run_sop

import runner
from runner.cli import cli
from runner.i18n import _, set_language

PACKAGE = ROOT / "runner"
SHARED_WITH_CLI = {"runner.errors", "runner.i18n", "runner.l10n"}
# the web front door also finds its templates (runner.resources), as the documents do
SHARED_WITH_WEB = SHARED_WITH_CLI | {"runner.resources"}


def _module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


TOP, DEFERRED, TYPING = "top", "deferred", "typing"  # when an import runs: on import, later, never


def _imports(path: Path, root: Path = ROOT) -> list[tuple[str, list[str], str, int]]:
    """(module, imported names, when it runs, line) for every import in the file (under ``root``).

    When: ``TOP`` in the module's body, ``DEFERRED`` anywhere else (a function, a ``try``),
    ``TYPING`` under ``if TYPE_CHECKING:``, which only mypy reads."""
    name = _module_name(path, root)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(n) for n in tree.body}
    type_only = {
        id(n)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for n in ast.walk(stmt)
    }

    def when(node: ast.AST) -> str:
        return TYPING if id(node) in type_only else TOP if id(node) in top else DEFERRED

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, [], when(node), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names = [a.name for a in node.names]
            # `from . import term` imports a module, not a name
            subs = [
                f"{module}.{n}"
                for n in names
                if (root / Path(*f"{module}.{n}".split("."))).exists()
                or (root / (Path(*f"{module}.{n}".split(".")).as_posix() + ".py")).exists()
            ]
            if subs:
                found += [(s, [], when(node), node.lineno) for s in subs]
                names = [n for n in names if f"{module}.{n}" not in subs]
            if names or not subs:
                found.append((module, names, when(node), node.lineno))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_only_the_cli_speaks_click_and_the_terminal():
    bad = []
    for path in SOURCES:
        if _module_name(path).startswith("runner.cli") or path.name == "__main__.py":  # the entry point
            continue
        for module, _names, _top, line in _imports(path):
            if module == "click" or module.startswith("click.") or module.startswith("runner.cli"):
                bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    assert bad == []


def test_only_the_web_front_door_speaks_http():
    """Starlette, uvicorn and the form parser load with ``sop serve`` only: a clerk's commands never pay for them."""
    bad = []
    for path in SOURCES:
        if _module_name(path).startswith("runner.web"):
            continue
        for module, _names, _top, line in _imports(path):
            if module.partition(".")[0] in ("starlette", "uvicorn", "multipart", "python_multipart"):
                bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module}")
    assert bad == []


@pytest.mark.parametrize("door, shared", [("runner.cli", SHARED_WITH_CLI), ("runner.web", SHARED_WITH_WEB)])
def test_the_front_doors_use_only_the_public_api(door, shared):
    bad = []
    for path in SOURCES:
        if not _module_name(path).startswith(door):
            continue
        for module, names, _top, line in _imports(path):
            if not (module == "runner" or module.startswith("runner.")) or module.startswith(door):
                continue
            if module in shared:
                continue
            if module == "runner" and set(names) <= set(runner.__all__):
                continue
            bad.append(f"{path.relative_to(ROOT)}:{line}: imports {module} {names}")
    assert bad == []


def _runs_first(module: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first: they are edges of the graph too."""
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))} | {module}


def _package(module: str) -> str:
    """``runner.cases.service`` -> ``runner.cases``; ``runner`` and ``runner.files`` stay themselves."""
    return ".".join(module.split(".")[:2])


def _import_graphs(root: Path = ROOT) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Who imports whom among the modules under ``root``/runner, and among its packages.

    Every import that can run counts, the ones inside functions too: a cycle through a
    function is a cycle all the same, that only waits for the first call to bite."""
    modules: dict[str, set[str]] = {}
    packages: dict[str, set[str]] = {}
    for path in sorted((root / "runner").rglob("*.py")):
        name = _module_name(path, root)
        imported = {m for m, _n, when, _l in _imports(path, root) if when != TYPING and m.split(".")[0] == "runner"}
        own_packages = _runs_first(name) - {name}  # a module's own packages are already running
        modules[name] = {m for i in imported for m in _runs_first(i)} - own_packages - {name}
        packages.setdefault(_package(name), set()).update(_package(i) for i in imported)
    for name, needs in packages.items():
        needs.discard(name)
    return modules, packages


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for nxt in sorted(graph.get(node, ())):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt) :] + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(node)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    return cycles


def test_no_import_cycles():
    modules, packages = _import_graphs()
    assert _cycles(modules) == []
    assert _cycles(packages) == []


def test_every_import_inside_a_function_says_why():
    """An import waits in a function only to keep a start light, and a comment says what it spares.

    One comment covers the run of imports it is part of (the statements one after another)."""
    silent = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        functions = [f for f in ast.walk(ast.parse(text)) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for block in (n for f in functions for n in ast.walk(f)):
            for body in (getattr(block, name, None) for name in ("body", "orelse", "finalbody")):
                if not isinstance(body, list):
                    continue
                run: list[ast.stmt] = []
                for stmt in [*body, None]:
                    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                        run.append(stmt)
                        continue
                    if run and not any("#" in lines[i] for i in range(run[0].lineno - 1, run[-1].end_lineno or 0)):
                        silent.add(f"{path.relative_to(ROOT)}:{run[0].lineno}")
                    run = []
    assert sorted(silent) == []


def test_the_cycle_checker_finds_a_cycle_through_a_function(tmp_path):
    """Two modules, and two packages, that import each other, one of them only inside a function."""
    for path, text in {
        "runner/__init__.py": "",
        "runner/low/__init__.py": "",
        "runner/low/leaf.py": "def later():\n    from ..high import door\n    return door\n",
        "runner/high/__init__.py": "",
        "runner/high/door.py": "from ..low import leaf\n",
        "runner/high/typed.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..low import leaf\n",
    }.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    modules, packages = _import_graphs(tmp_path)
    assert modules["runner.high.typed"] == set()  # what mypy alone reads is no edge
    assert ["runner.high.door", "runner.low.leaf", "runner.high.door"] in _cycles(modules)
    assert _cycles(packages) == [["runner.high", "runner.low", "runner.high"]]


# --- the public API ----------------------------------------------------------------------


def test_every_public_name_resolves_and_is_typed_for_mypy():
    for name in runner.__all__:
        assert getattr(runner, name) is not None, name
    source = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    typed = set(re.findall(r"import \w+ as (\w+)", source))
    assert typed == set(runner.__all__) - {"__version__"}


def test_help_of_the_package_shows_the_api():
    shown = subprocess.run(
        [sys.executable, "-c", "import runner; help(runner)"],
        capture_output=True,
        text=True,
        check=True,
        env={"PAGER": "cat", "PATH": "/usr/bin:/bin"},
    ).stdout
    for name in ["Cases", "open_store", "load_sop", "render", "Refused", "check_paths"]:
        assert name in shown


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_readme_api_example_runs_and_prints_what_it_says(tmp_path, monkeypatch, capsys):
    [example] = _python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert 8 <= len(example.strip().splitlines()) <= 16
    said = [line.split("# ")[-1] for line in example.splitlines() if "print(" in line]
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == said
    assert (tmp_path / "kasus.sqlite3").exists()


def test_the_docstring_example_runs(tmp_path, monkeypatch):
    doc = runner.__doc__ or ""
    example = "\n".join(line[4:] for line in doc.split("::", 1)[1].split("\n\n")[1].splitlines())
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "runner/__init__.py", "exec"), {})


# --- the commands --------------------------------------------------------------------------


def _commands(group: click.Group, ctx: click.Context, prefix: str = "sop") -> list[tuple[str, click.Command]]:
    found = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        found.append((f"{prefix} {name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, ctx, f"{prefix} {name}")
    return found


ALL_COMMANDS = _commands(cli, click.Context(cli))


@pytest.mark.parametrize("lang, usage", [("id", "Penggunaan: sop"), ("en", "Usage: sop")])
@pytest.mark.parametrize("name, command", ALL_COMMANDS, ids=[n for n, _c in ALL_COMMANDS])
def test_every_command_and_option_has_help_in_both_languages(name, command, sop, lang, usage):
    assert command.help, f"{name} has no help"
    undocumented = [p.name for p in command.params if isinstance(p, click.Option) and not p.help]
    assert undocumented == [], f"{name}: options without help"
    result = sop("--lang", lang, *name.split()[1:], "--help")
    assert result.code == 0 and result.out.startswith(usage)
    shown = " ".join(result.out.split())
    set_language(lang)
    for text in [command.help] + [p.help for p in command.params if isinstance(p, click.Option) and p.help]:
        translated = " ".join(_(text).split())
        assert translated in shown, f"{name} --help in {lang} lacks: {translated}"
        if lang == "id":
            assert translated != " ".join(text.split()), f"untranslated: {text}"


def test_commands_return_their_exit_code_and_never_exit_themselves():
    calls = [
        f"{p.relative_to(ROOT)}:{n.lineno}"
        for p in SOURCES
        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and ast.unparse(n.func) in ("sys.exit", "exit", "ctx.exit", "quit")
    ]
    assert calls == ["runner/__main__.py:7"]


# --- start-up of the command a clerk types all day -------------------------------------------

# Every module of ours that `sop case show` may load. A new one here is a cost on every start:
# add it only when `case show` truly needs it, and measure with `python -X importtime`.
CASE_SHOW_MODULES = {
    "runner",
    "runner.canonical",
    "runner.cases",
    "runner.cases.records",
    "runner.cases.rows",
    "runner.cases.service",
    "runner.cli",
    "runner.cli.boundary",
    "runner.cli.case",
    "runner.cli.case.show",
    "runner.cli.lazy",
    "runner.cli.output",
    "runner.cli.settings",
    "runner.cli.term",
    "runner.cli.views",
    "runner.cli.wording",
    "runner.definition",
    "runner.definition.catalogue",
    "runner.definition.model",
    "runner.definition.shared",
    "runner.definition.workcal",
    "runner.errors",
    "runner.files",
    "runner.i18n",
    "runner.l10n",
    "runner.record",
    "runner.resources",
    "runner.store",
    "runner.store.chain",
    "runner.store.clock",
    "runner.store.limits",
    "runner.store.people",
    "runner.store.rows",
    "runner.store.rules",
    "runner.store.sql",
    "runner.store.sqlite",
    "runner.store.write",
    "runner.store.writes",  # the Writes interface: signatures only
    "runner.store.sqlite_writes",  # SQLite's writes (they were part of sql.py and people.py)
    "runner.store.migrations",  # the schema's steps: a store judges its version by their count
    "runner.store.audit",  # the people chain's table and triggers: text, without imports of its own
    "runner.store.sessions",  # the web's rows: a mixin of the store, without imports of its own
}


def test_case_show_imports_no_more_than_it_needs(tmp_path):
    db = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    env = {"XDG_CACHE_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    case_id = run_sop("--db", db, "case", "start", "pelacuran", env=env).out.strip()
    code = (
        "import sys; from runner.cli import main; "
        f"code = main(['--db', {db!r}, 'case', 'show', {case_id!r}]); "
        "print(' '.join(sorted(sys.modules)), file=sys.stderr); sys.exit(code)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env}
    )
    assert done.returncode == 0, done.stderr
    modules = set(done.stderr.split())
    ours = {m for m in modules if m == "runner" or m.startswith("runner.")}
    assert ours - CASE_SHOW_MODULES == set()
    others = {m.split(".")[0] for m in modules - ours if not m.startswith("_")} - set(sys.stdlib_module_names)
    assert others == {"click"}
    for heavy in ("dataclasses", "jsonschema", "yaml", "jinja2", "transitions", "psycopg", "babel", "platformdirs"):
        assert heavy not in modules
