"""`make translations`: extract, update and compile the catalogues, and write the format tables.

Two gettext domains, each with a POT and an ``id`` and ``en`` catalogue in
``runner/locale``:

- ``sop-runner``: our messages, found by the keywords ``_``, ``N_`` and ``ngettext`` in the
  files ``babel.cfg`` names (Python and Jinja2 templates);
- ``click``: click's own messages ("Usage:", "Missing argument ..."), from the
  installed click, whose version the POT records.

New messages are added with an empty translation (no fuzzy guesses), so the
completeness test in tests/test_i18n.py names each one until it is translated;
messages gone from the code are dropped. The compiled ``.mo`` files are
committed beside their ``.po`` (a test checks that they are a fresh compile),
so an editable install and the wheel need no build step.

``formats.json`` beside each language's catalogue holds what Babel's CLDR data
says about dates, times, numbers and units in that language, so that
``runner/l10n.py`` formats without importing Babel on the path of every
``sop case show``.

The tests import this module to extract exactly as this command does.
"""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from runner import __version__  # noqa: E402
from runner.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

LOCALE = Path(LOCALE_DIR)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}  # N_ marks table entries; _() translates them where shown
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}  # how click marks its own messages
CLICK_UNMARKED = ["required"]  # click translates these through a variable (the "[required]" of help)


def _catalog(domain: str, project: str, version: str) -> Catalog:
    return Catalog(domain=domain, project=project, version=version, charset="utf-8", fuzzy=False)


def extract_ours() -> Catalog:
    """Every message of sop-runner, as the code and templates say them now."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    catalog = _catalog(DOMAIN, "sop-runner", __version__)
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, None)], auto_comments=comments, context=context)
    return catalog


def click_dir() -> Path:
    import click

    return Path(click.__file__).parent


def click_version() -> str:
    from importlib.metadata import version

    return version("click")


def extract_click() -> Catalog:
    """Every message click words itself, in the installed click."""
    catalog = _catalog("click", "click", click_version())
    for filename, _lineno, message, comments, context in extract_from_dir(
        str(click_dir()), [("**.py", "python")], {}, keywords=CLICK_KEYWORDS
    ):
        catalog.add(message, None, [(f"click/{filename}", None)], auto_comments=comments, context=context)
    for message in CLICK_UNMARKED:
        catalog.add(message, None, [("click/core.py", None)])
    return catalog


def po_path(lang: str, domain: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as f:
        return read_po(f, locale=locale)


def _po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # file names without line numbers: the catalogues change when messages do, not when code moves
    write_po(out, catalog, width=100, include_lineno=False, ignore_obsolete=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _write(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def is_translated(message: Any) -> bool:
    """Every form of the message has a translation, and none is a fuzzy guess."""
    forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(forms) and not message.fuzzy


def update(template: Catalog, domain: str) -> None:
    """Write the POT, bring each language's catalogue up to it, and compile it."""
    pot = LOCALE / f"{domain}.pot"
    if pot.exists():  # the same messages: keep the old creation date, so nothing changes
        old = read(pot)
        if [(m.id, m.locations) for m in old if m.id] == [(m.id, m.locations) for m in template if m.id]:
            template.creation_date = old.creation_date
    _write(pot, _po_bytes(template))
    for lang in LANGUAGES:
        path = po_path(lang, domain)
        if path.exists():
            catalog = read(path, lang)
        else:
            catalog = Catalog(locale=lang, domain=domain, project=template.project, version=template.version)
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        catalog.obsolete.clear()
        _write(path, _po_bytes(catalog))
        catalog = read(path, lang)  # as written, so the .mo is exactly the compile of the .po
        _write(path.with_suffix(".mo"), mo_bytes(catalog))
        untranslated = [m.id for m in catalog if m.id and not is_translated(m)]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(untranslated)} without a translation")


# --- the format tables ----------------------------------------------------------------------

DATE_FIELDS = {("E", 4), ("d", 1), ("d", 2), ("M", 4), ("y", 1), ("H", 2), ("h", 1), ("m", 2), ("a", 1), ("z", 1)}


def _tokens(pattern: str) -> list[Any]:
    """A CLDR date pattern as text pieces and [field, width] pairs, checked against what l10n.py knows."""
    from babel.dates import tokenize_pattern

    tokens: list[Any] = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            tokens.append(value)
        else:
            field, width = value
            assert (field, width) in DATE_FIELDS, f"runner/l10n.py cannot format {field * width} in {pattern!r}"
            tokens.append([field, width])
    return tokens


def datetime_pattern(locale: Locale) -> str:
    """The one style of a moment: CLDR's full date and short time, joined as CLDR says, with the zone.

    Indonesian as naskah dinas writes a moment (issue 20.8): the day without a leading zero and the time
    after "pukul" (``Senin, 7 Desember 2026 pukul 10.00 WIB``), where CLDR writes ``07 Desember 2026 10.00``.
    """
    glue = str(locale.datetime_formats["full"])
    day = str(locale.date_formats["full"].pattern)
    if locale.language == "id":
        glue, day = "{1} 'pukul' {0}", day.replace("dd", "d")
    time = locale.time_formats["short"].pattern + " z"
    return glue.replace("{1}", day).replace("{0}", time)


def date_pattern(locale: Locale) -> str:
    """A day alone (the dates of an SOP's identity page): CLDR's long date."""
    return str(locale.date_formats["long"].pattern)


# Samples that tell a zone's standard time from its summer time, in either hemisphere.
_ZONE_SAMPLES = (datetime(2026, 1, 15, 12), datetime(2026, 7, 15, 12))
INDONESIA = "ID"


def zone_names(locale: Locale) -> dict[str, dict[str, str]]:
    """IANA zone -> {"standard"|"daylight": abbreviation}, for the zones CLDR names in this language.

    Zones it does not name are shown as Babel shows them, as an offset (+0100).
    English has no abbreviation for Indonesia's zones; English-language
    documents in Indonesia use the Indonesian ones (WIB, WITA, WIT), and so do we.
    """
    from zoneinfo import ZoneInfo, available_timezones

    from babel.core import get_global
    from babel.dates import get_timezone_gmt, get_timezone_name

    territories, aliases = get_global("zone_territories"), get_global("zone_aliases")
    indonesian = Locale.parse("id")
    names: dict[str, dict[str, str]] = {}
    for zone in sorted(available_timezones()):
        tz = ZoneInfo(zone)
        for sample in _ZONE_SAMPLES:
            t = sample.replace(tzinfo=tz)
            variant = "daylight" if t.dst() else "standard"
            name = get_timezone_name(t, "short", locale=locale)
            if territories.get(aliases.get(zone, zone)) == INDONESIA and name == get_timezone_gmt(
                t, "short", locale=locale
            ):
                name = get_timezone_name(t, "short", locale=indonesian)
            if name != get_timezone_gmt(t, "short", locale=locale):
                names.setdefault(zone, {})[variant] = name
    return names


UNITS = {  # our name -> (CLDR unit, length)
    "day": ("duration-day", "long"),
    "hour": ("duration-hour", "long"),
    "minute": ("duration-minute", "long"),
    "byte": ("digital-byte", "short"),
    "kilobyte": ("digital-kilobyte", "short"),
    "megabyte": ("digital-megabyte", "short"),
}


def percent_pattern(locale: Locale) -> str:
    """CLDR's percent pattern with ``{0}`` for the (grouped) whole number: ``{0}%``."""
    pattern = str(locale.percent_formats[None].pattern)
    assert "#,##0" in pattern and "'" not in pattern and ";" not in pattern, f"runner/l10n.py cannot write {pattern!r}"
    return pattern.replace("#,##0", "{0}").replace("%", locale.number_symbols["latn"]["percentSign"])


def format_tables(lang: str) -> dict[str, Any]:
    """What runner/l10n.py needs of CLDR for ``lang``."""
    from babel.dates import get_day_names, get_month_names, get_period_names
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
    from babel.plural import to_gettext

    locale = Locale.parse(lang)
    assert locale.decimal_formats[None].pattern == "#,##0.###", "runner/l10n.py groups by three digits"
    days = get_day_names("wide", "format", locale)
    months = get_month_names("wide", "format", locale)
    periods = get_period_names("abbreviated", "format", locale)
    plural = to_gettext(locale.plural_form)  # "nplurals=2; plural=(...);"
    # in the order gettext's plural index counts them; "other" is implicit in Babel's tags
    tags = [t for t in ("zero", "one", "two", "few", "many") if t in locale.plural_form.tags] + ["other"]
    units = {}
    for name, (unit, length) in UNITS.items():
        # Babel reads the same table in babel.units.format_unit; tests/test_l10n.py compares the results
        patterns = locale._data["unit_patterns"][unit][length]
        units[name] = {tag: patterns[tag] for tag in tags if tag in patterns}
    return {
        "language": lang,
        "datetime": _tokens(datetime_pattern(locale)),
        "date": _tokens(date_pattern(locale)),
        "days": [days[i] for i in range(7)],  # Monday first, as datetime.weekday()
        "months": [months[i] for i in range(1, 13)],
        "periods": [periods["am"], periods["pm"]],
        "zones": zone_names(locale),
        "decimal": get_decimal_symbol(locale),
        "group": get_group_symbol(locale),
        "minus": get_minus_sign_symbol(locale),
        "percent": percent_pattern(locale),
        "plural": plural.split("plural=", 1)[1].rstrip(";"),
        "plural_tags": tags,
        "units": units,
    }


def formats_path(lang: str) -> Path:
    return LOCALE / lang / "formats.json"


def formats_text(lang: str) -> str:
    return json.dumps(format_tables(lang), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> None:
    update(extract_ours(), DOMAIN)
    update(extract_click(), "click")
    for lang in LANGUAGES:
        _write(formats_path(lang), formats_text(lang).encode("utf-8"))
    print("formats.json written for", ", ".join(LANGUAGES))


if __name__ == "__main__":
    main()
