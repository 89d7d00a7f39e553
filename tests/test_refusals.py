"""The one table of refusals (runner/store/rules.py MESSAGES), and the facts both stores share.

Every refusal postgres.sql can raise is read from the file itself (each ``sop_refuse`` call, and the
keys of the facts it passes): each kind is in the table, its wording names only facts that call
passes, it reads in both languages, and the command line's hint for it can be filled from them too.
The constants both sides need are filled into the SQL from the Python that states them.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

import pytest

from runner.cli.wording import word
from runner.i18n import _, set_language
from runner.store.chain import GENESIS, NOW
from runner.store.postgres import functions_text, sql_constants
from runner.store.rules import ACTING, MESSAGES, OPEN_END, refusal, template_values

SQL = (Path(__file__).parent.parent / "runner" / "store" / "postgres.sql").read_text(encoding="utf-8")


def _arguments(text: str, start: int) -> list[str]:
    """The top-level arguments of the call whose '(' is at ``start``."""
    args, depth, current, i = [], 0, "", start + 1
    while True:
        c = text[i]
        if c == "'":  # a literal, '' inside it: copied whole
            end = i + 1
            while text[end] != "'" or text[end + 1 : end + 2] == "'":
                end += 2 if text[end] == "'" else 1
            current += text[i : end + 1]
            i = end + 1
            continue
        if c == ")" and depth == 0:
            return [*args, current.strip()]
        if c == "," and depth == 0:
            args.append(current.strip())
            current = ""
        else:
            depth += (c in "([") - (c in ")]")
            current += c
        i += 1


def _raised() -> list[tuple[str, frozenset[str], int]]:
    """(kind, the keys of its facts, line) of every sop_refuse call in postgres.sql."""
    found = []
    for m in re.finditer(r"PERFORM sop_refuse\(", SQL):
        kind, _message, facts = _arguments(SQL, m.end() - 1)
        line = SQL.count("\n", 0, m.start()) + 1
        assert re.fullmatch(r"'[a-z-]+'", kind), (line, kind)
        if facts == "'{}'::jsonb":
            keys: frozenset[str] = frozenset()
        else:
            assert facts.startswith("jsonb_build_object("), (line, facts)
            pairs = _arguments(facts, len("jsonb_build_object"))
            assert len(pairs) % 2 == 0, (line, pairs)
            assert all(re.fullmatch(r"'[a-z_]+'", k) for k in pairs[::2]), (line, pairs)
            keys = frozenset(k.strip("'") for k in pairs[::2])
        found.append((kind.strip("'"), keys, line))
    return found


RAISED = _raised()


def _example(key: str) -> Any:
    """A value of the kind the SQL passes under ``key``."""
    return {
        "pelaksana": ["sekcam", "camat"],
        "outcomes": ["disetujui", "koreksi"],
        "status": "done",
        "at": "2026-03-02T03:04:05.000000+00:00",
        "now": "2026-03-02T03:05:05.000000+00:00",
        "last": "2026-03-02T02:04:05.000000+00:00",
        "post": 7,
        "step": 4,
        "length": 10_001,
        "limit": 10_000,
        "count": 51,
    }.get(key, "2026-03-01" if key in ("day", "start", "until", "other_start", "other_until") else f"<{key}>")


def test_the_scan_finds_the_refusals():
    kinds = {kind for kind, _keys, _line in RAISED}
    assert len(RAISED) == SQL.count("PERFORM sop_refuse(") and len(kinds) > 40
    assert {"wrong-pelaksana", "case-closed", "bad-date", "not-holder", "document-too-large"} <= kinds
    assert ("not-holder", frozenset({"login", "pelaksana", "sop", "day"})) in {(k, f) for k, f, _l in RAISED}


@pytest.mark.parametrize(("kind", "keys", "line"), RAISED, ids=[f"{k}@{line}" for k, _f, line in RAISED])
def test_each_refusal_of_the_database_is_worded_from_its_facts_in_both_languages(kind, keys, line):
    assert kind in MESSAGES, f"postgres.sql line {line} raises '{kind}', which runner/store/rules.py MESSAGES lacks"
    details = {key: _example(key) for key in keys}
    values = template_values(kind, dict(details))
    for lang in ("en", "id"):
        set_language(lang)
        try:
            template = _(MESSAGES[kind])
            if lang == "id":
                assert template != MESSAGES[kind], f"'{kind}' has no Indonesian wording"
            named = {field for _t, field, _f, _c in string.Formatter().parse(template) if field}
            missing = {f for f in named if f not in values or values[f] is None}
            assert not missing, f"the wording of '{kind}' names {missing}; postgres.sql line {line} passes {set(keys)}"
            error = refusal(kind, **details, database_says="the SQL's own text")
            assert error.kind == kind and "database_says" not in error.details
            assert "the SQL's own text" not in str(error) and "?" not in str(error).replace(MESSAGES[kind], "")
            word(error)  # the command line's hint, if it has one, is filled from the same facts
        finally:
            set_language(None)


def test_a_kind_the_table_lacks_is_still_refused_with_the_databases_text():
    error = refusal("a-check-of-tomorrow", database_says="no such thing")
    assert error.kind == "database-refused" and "no such thing" in str(error)


def test_a_fact_an_older_function_did_not_give_does_not_lose_the_refusal():
    error = refusal("outcome-unknown", outcome="ya", step=2)  # functions before migration 10: no outcomes
    assert error.kind == "outcome-unknown" and "'ya'" in str(error) and "?" in str(error)


def test_the_constants_both_sides_need_are_filled_in_from_the_python():
    text = functions_text("s")
    assert not set(re.findall(r"\{([a-z_]+)\}", text)), "a placeholder of postgres.sql was not filled"
    assert set(re.findall(r"\{([a-z_]+)\}", SQL)) <= set(sql_constants("s"))
    for written_twice in ("9999-12-31", "'0', 64", "'plt'", "'plh'", "Plt.", "Asia/Jakarta", "1 minute"):
        assert written_twice not in SQL, f"postgres.sql states {written_twice!r} itself; fill it from the Python"
    assert f"'{GENESIS}'" in text and f"'{OPEN_END}'" in text
    assert f"interval '{int(NOW.total_seconds())} seconds'" in text
    assert all(f"'{mark}'" in text and f"'{title} '" in text for mark, title in ACTING.items())


def test_the_type_of_the_refusal_kinds_names_exactly_the_table():
    """mypy checks each refusal("...") of the code against RefusalKind: it must be the table's kinds."""
    from typing import get_args

    from runner.store.rules import MESSAGES, RefusalKind

    assert set(get_args(RefusalKind)) == set(MESSAGES) and len(get_args(RefusalKind)) == len(MESSAGES)
