"""An SOP's life and a case's mistakes (issue 23), on both stores: who may cancel a case.

Real roles on PostgreSQL (the database refusing, not the program): test_pg_roles.py.
"""

from __future__ import annotations

import copy
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import yaml
from conftest import SOPS
from test_people import DAY, TODAY, _start, me, ok, refused, run, snapshot, staffed  # noqa: F401 - fixtures

# --- who may cancel ------------------------------------------------------------------------


def test_only_an_administrator_or_the_holder_of_the_steps_post_cancels(staffed, me, db_url):  # noqa: F811
    run = staffed  # noqa: F811
    ok(run("people", "add", "joko", "--nama", "Joko Anggota"))
    ok(run("people", "add", "boss", "--nama", "Kepala Kantor", "--admin"))
    ok(run("post", "grant", "joko", "anggota", "--from", "2020-01-01"))
    at_kasi, at_camat, third = _start(run), _start(run), _start(run)
    ok(run("case", "advance", at_camat, "--as", "kasi-trantib"))  # step 2: camat's
    ok(run("people", "set", me, "--no-admin"))  # me: kasi-trantib, may record for others, no more admin

    before = snapshot(db_url)
    said = refused(run("case", "cancel", at_camat, "--reason", "ganda"), f"{me} may not cancel case {at_camat}")
    assert "Camat" in said.err or "camat" in said.err
    refused(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "joko"), "joko may not cancel")
    refused(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "andi"), "andi may not cancel")
    assert snapshot(db_url) == before

    ok(run("case", "cancel", at_camat, "--reason", "ganda", "--for", "budi"))  # the Camat's decision
    ok(run("case", "cancel", at_kasi, "--reason", "ganda"))  # my own step's post
    ok(run("case", "cancel", third, "--reason", "ganda", "--for", "boss"))  # an administrator's decision
    for cid, holder in ((at_camat, "budi"), (at_kasi, me), (third, "boss")):
        shown = json.loads(ok(run("case", "show", cid, "--json")).out)
        assert shown["status"] == "cancelled"
        last = json.loads(ok(run("case", "history", cid, "--json")).out)[-1]
        assert (last["action"], last["holder"], last["recorder"]) == ("cancel", holder, me)
    ok(run("case", "verify"))


def test_an_sop_names_who_may_cancel_its_cases(staffed, me, db_url, tmp_path):  # noqa: F811
    run = staffed  # noqa: F811
    raw = yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    raw["cancel_by"] = ["sekcam", "camat"]
    folder = tmp_path / "sop"
    folder.mkdir()
    (folder / "pelacuran.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")

    def start():
        return ok(run("--sop-dir", str(folder), "case", "start", "pelacuran")).out.strip()

    first, second = start(), start()  # both at step 1, kasi-trantib's
    ok(run("people", "add", "boss", "--nama", "Kepala Kantor", "--admin"))
    ok(run("people", "set", me, "--no-admin"))
    before = snapshot(db_url)
    # me holds kasi-trantib, the post of the step: the SOP's cancel_by leaves it out
    refused(run("case", "cancel", first, "--reason", "ganda"), f"{me} may not cancel case {first}", "sekcam, camat")
    refused(run("case", "cancel", first, "--reason", "ganda", "--for", "andi"), "andi may not cancel")
    assert snapshot(db_url) == before
    ok(run("case", "cancel", first, "--reason", "ganda", "--for", "sari"))  # the Sekcam, at any step
    ok(run("case", "cancel", second, "--reason", "ganda", "--for", "boss"))  # an administrator
    ok(run("case", "verify"))


def test_an_administrator_cancels_at_any_step_and_nobody_registered_anyone(run, me):  # noqa: F811
    cid = _start(run)
    ok(run("case", "cancel", cid, "--reason", "ganda"))  # nobody registered: as before
    ok(run("people", "add", me, "--nama", "Operator"))
    other = _start(run)
    ok(run("case", "cancel", other, "--reason", "ganda"))  # the administrator, holding no post


# --- pengesahan and the version in force -------------------------------------------------------


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    """Version 1.0 (in force from 10 days ago) and 1.1 (2 days ago) of the seed SOP, signed by the Camat."""
    raw = yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    raw["identity"].update(
        nomor="800/1-Trantib/2026",
        tanggal_efektif=(TODAY - 10 * DAY).isoformat(),
        disahkan_oleh={"jabatan": "Camat", "nama": "Budi Santoso"},
    )
    newer = copy.deepcopy(raw)
    newer["version"] = "1.1"
    newer["identity"].update(nomor="800/2-Trantib/2026", tanggal_efektif=(TODAY - 2 * DAY).isoformat())
    newer["steps"][0]["waktu"] = "3 Jam"
    paths = []
    for name, body in (("v1", raw), ("v2", newer)):
        (tmp_path / name).mkdir()
        path = tmp_path / name / "pelacuran.yaml"
        path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
        paths.append(path)
    return paths[0], paths[1]


def test_pengesahan_and_the_version_in_force(staffed, me, db_url, tmp_path):  # noqa: F811
    run = staffed  # noqa: F811
    v1, v2 = _versions(tmp_path)
    d1, d2 = str(v1.parent), str(v2.parent)
    ok(run("people", "add", "joko", "--nama", "Joko Anggota"))
    ok(run("post", "grant", "joko", "anggota", "--from", (TODAY - 30 * DAY).isoformat()))

    def status():
        found = json.loads(ok(run("--sop-dir", d2, "sop", "status", "pelacuran", "--json")).out)
        assert len(found) == 1
        return found[0]

    # nothing disahkan yet: as before, any version starts, and the status says so
    ok(run("--sop-dir", d2, "case", "start", "pelacuran"))
    assert status()["disahkan"] is False
    said = ok(run("--sop-dir", d2, "sop", "status")).out
    assert "no version disahkan in this store; cases start on any version" in said

    before = snapshot(db_url)
    refused(run("sop", "sahkan", str(v1)), f"{me} does not hold the post 'camat'")  # me: kasi-trantib
    refused(run("sop", "sahkan", str(v1), "--for", "joko"), "joko does not hold the post 'camat'")
    refused(run("sop", "sahkan", str(SOPS / "pelacuran.yaml"), "--for", "budi"), "names no signer")
    future = (TODAY + DAY).isoformat()
    refused(run("sop", "sahkan", str(v1), "--for", "budi", "--on", future), "lies in the future")
    refused(run("sop", "sahkan", str(v1), "--for", "budi"), "is before the day it is signed")
    assert snapshot(db_url) == before

    signed = json.loads(ok(run("sop", "sahkan", str(v1), "--for", "budi", "--on", _ago(20), "--json")).out)
    assert (signed["signer"], signed["recorded_by"], signed["jabatan"]) == ("budi", me, "camat")
    assert signed["nomor"] == "800/1-Trantib/2026" and signed["tanggal_efektif"] == _ago(10)
    refused(run("sop", "sahkan", str(v1), "--for", "budi", "--on", _ago(20)), "is disahkan already")

    # 1.0 is in force: 1.1, not disahkan, is refused; 1.0 starts
    refused(run("--sop-dir", d2, "case", "start", "pelacuran"), "version 1.1 of SOP pelacuran is not in force")
    ok(run("--sop-dir", d1, "case", "start", "pelacuran"))
    early = (datetime.now(timezone.utc) - 15 * DAY).isoformat()  # before 1.0 took force
    refused(run("--sop-dir", d1, "case", "start", "pelacuran", "--at", early), "has no version in force on")

    # 1.1 disahkan, in force from 2 days ago: 1.0 is dicabut that day
    ok(run("sop", "sahkan", str(v2), "--for", "budi", "--on", _ago(3)))
    refused(run("--sop-dir", d1, "case", "start", "pelacuran"), "version 1.0 of SOP pelacuran is not in force", "1.1")
    back = (datetime.now(timezone.utc) - 5 * DAY).isoformat()  # a case of 5 days ago, on the version of its day
    ok(run("--sop-dir", d1, "case", "start", "pelacuran", "--at", back))
    ok(run("--sop-dir", d2, "case", "start", "pelacuran"))

    shown = status()
    assert (shown["disahkan"], shown["in_force"]) == (True, "1.1")
    took_force = date.fromisoformat(_ago(2))
    assert shown["evaluation_due"] == took_force.replace(year=took_force.year + 1).isoformat()  # a year on
    by_version = {v["version"]: v for v in shown["versions"]}
    assert by_version["1.0"]["state"] == "dicabut" and by_version["1.0"]["in_force_until"] == _ago(2)
    assert by_version["1.1"]["state"] == "in-force" and by_version["1.1"]["in_force_from"] == _ago(2)
    assert by_version["1.1"]["signed_by"] == "Camat: Budi Santoso"
    words = ok(run("--sop-dir", d2, "sop", "status", "pelacuran")).out
    assert "version in force 1.1" in words and "dicabut" in words and "Camat: Budi Santoso" in words

    # the same version, another text: refused
    changed = yaml.safe_load(v2.read_text(encoding="utf-8"))
    changed["steps"][1]["waktu"] = "4 Jam"
    changed["identity"]["tanggal_efektif"] = TODAY.isoformat()
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
    refused(run("sop", "sahkan", str(other), "--for", "budi"), "another text of version 1.1")
    ok(run("case", "verify"))


MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober"]
MONTHS += ["November", "Desember"]


def test_a_tanggal_efektif_of_a_month_in_words_takes_force_on_its_first_day(staffed, db_url, tmp_path):  # noqa: F811
    run = staffed  # noqa: F811
    v1, _v2 = _versions(tmp_path)
    first = (TODAY.replace(day=1) + 32 * DAY).replace(day=1)  # the first of next month
    raw = yaml.safe_load(v1.read_text(encoding="utf-8"))
    raw["identity"]["tanggal_efektif"] = f"{MONTHS[first.month - 1]} {first.year}"
    v1.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    signed = json.loads(ok(run("sop", "sahkan", str(v1), "--for", "budi", "--json")).out)
    assert signed["tanggal_efektif"] == first.isoformat()
    refused(run("--sop-dir", str(v1.parent), "case", "start", "pelacuran"), "has no version in force on")
    shown = json.loads(ok(run("--sop-dir", str(v1.parent), "sop", "status", "pelacuran", "--json")).out)[0]
    assert shown["in_force"] is None and shown["versions"][0]["state"] == "not-yet-in-force"


def test_pengesahan_needs_someone_registered(run, tmp_path):  # noqa: F811
    v1, _v2 = _versions(tmp_path)
    refused(run("sop", "sahkan", str(v1)), "nobody is registered in this store yet")


def _ago(days: int) -> str:
    return (TODAY - days * DAY).isoformat()


# --- voiding a wrong entry ---------------------------------------------------------------------


def test_a_wrong_entry_voided_stands_in_the_history_and_the_case_goes_back(staffed, me, db_url):  # noqa: F811
    run = staffed  # noqa: F811
    cid = _start(run)
    refused(run("case", "void", cid, "--reason", "salah"), "no action left to void but its start")
    ok(run("case", "advance", cid, "--as", "kasi-trantib"))  # step 1 -> 2 (camat)
    ok(run("case", "attach", cid, "Peta Lokasi"))
    before = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert before["step"]["id"] == "perintah-penertiban"

    ok(run("case", "void", cid, "--reason", "lampiran kasus lain"))  # voids the attach
    ok(run("case", "void", cid, "--reason", "Camat yang mencatat, bukan Kasi"))  # then the advance
    shown = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert shown["step"]["id"] == "terima-laporan" and shown["status"] == "open"
    history = json.loads(ok(run("case", "history", cid, "--json")).out)
    assert [(h["seq"], h["action"], h["voids"], h["voided_by"]) for h in history] == [
        (1, "start", None, None),
        (2, "advance", None, 5),
        (3, "attach", None, 4),
        (4, "void", 3, None),
        (5, "void", 2, None),
    ]
    assert history[4]["note"] == "Camat yang mencatat, bukan Kasi" and history[4]["recorder"] == me
    table = ok(run("case", "history", cid)).out
    assert "VOIDED by #5" in table and "voided #2" in table

    # advanced again, done right: the report counts the step once
    ok(run("case", "advance", cid, "--as", "kasi-trantib", "--for", "andi"))
    ok(run("case", "verify"))
    shown = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert shown["step"]["id"] == "perintah-penertiban"
    report = json.loads(ok(run("report", "pelacuran", "--json")).out)
    steps = {s["id"]: s for s in report["sops"][0]["steps"]}
    assert steps["terima-laporan"]["completions"] == 1 and steps["perintah-penertiban"]["open"] == 1


def test_who_may_void(staffed, me, db_url):  # noqa: F811
    run = staffed  # noqa: F811
    ok(run("people", "add", "boss", "--nama", "Kepala Kantor", "--admin"))
    cid = _start(run)
    ok(run("case", "advance", cid, "--as", "kasi-trantib", "--for", "andi"))  # at step 1, kasi-trantib's
    ok(run("case", "advance", cid, "--as", "camat", "--for", "budi"))  # at step 2, camat's
    ok(run("people", "set", me, "--no-admin"))
    before = snapshot(db_url)
    refused(run("case", "void", cid, "--reason", "x", "--at", "2020-01-01T10:00"), "before the case's last event")
    assert snapshot(db_url) == before
    ok(run("case", "void", cid, "--reason", "salah pejabat", "--for", "budi"))  # the Camat: step 2's post
    ok(run("case", "void", cid, "--reason", "salah catat"))  # my own entry, soon after
    ok(run("case", "verify"))
    assert json.loads(ok(run("case", "show", cid, "--json")).out)["step"]["id"] == "terima-laporan"


def test_a_void_by_one_who_neither_recorded_nor_holds_the_post_is_refused(tmp_path):
    """SQLite: sari (Sekcam, no administrator) signed in through the program (as sop serve does)."""
    from runner import Cases, Refused, open_store

    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    with open_store(url) as store:
        from runner import People

        me = store.login  # noqa: F811 - the OS login, on SQLite
        people = People(store, [str(SOPS)])
        people.add(me, "Operator", records_for_others=True)
        people.add("sari", "Sari Dewi")
        people.grant(me, "kasi-trantib", valid_from="2020-01-01")
        people.grant("sari", "sekcam", valid_from="2020-01-01")
        from runner import Attachment, find_sop, load_sop

        cases = Cases(store)
        case = cases.start(load_sop(find_sop("pelacuran", [str(SOPS)])), attach=[Attachment("Informasi Pelanggaran")])
        cases.advance(case.id, "kasi-trantib")
        store.act_as("sari")
        with pytest.raises(Refused, match="sari may not void event #2") as caught:
            Cases(store).void(case.id, "bukan saya")
        assert caught.value.kind == "not-allowed-to-void"
        assert [e.action for e in store.events(case.id)] == ["start", "advance"]


# --- moving running cases to another version ----------------------------------------------------


def _revised(tmp_path: Path) -> tuple[Path, Path]:
    """1.0 and 1.1 of the seed SOP (as ``_versions``), 1.1 with a step inserted after step 1 and the Camat's
    step renamed, needing a Nota Dinas besides: a case at it needs a map, and lacks a document there."""
    v1, v2 = _versions(tmp_path)
    raw = yaml.safe_load(v2.read_text(encoding="utf-8"))
    raw["steps"][1]["id"] = "perintah-camat"
    raw["steps"][1]["kelengkapan"] = ["Surat Perintah", "Nota Dinas"]
    inserted = {
        "id": "telaah-laporan", "uraian": "Sekcam menelaah laporan Kasi Trantib", "pelaksana": "sekcam",
        "kelengkapan": ["Surat Perintah"], "waktu": "1 Jam", "output": ["Surat Perintah"],
    }  # fmt: skip
    raw["steps"].insert(1, inserted)
    v2.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return v1, v2


def test_a_case_moved_to_a_new_version_voided_once_and_advanced_again(staffed, me, db_url, tmp_path):  # noqa: F811
    """The story of issue 23: a case started before 1.1 is in force, moved to 1.1 with a map, an action
    voided, advanced again; verify ok, and the report counts each action once, by the version it was done on."""
    run = staffed  # noqa: F811
    v1, v2 = _revised(tmp_path)
    d1, d2 = str(v1.parent), str(v2.parent)
    ok(run("sop", "sahkan", str(v1), "--for", "budi", "--on", _ago(20)))
    back = (datetime.now(timezone.utc) - 5 * DAY).isoformat()  # 1.0 in force then; 1.1 not yet disahkan
    cid = ok(
        run("--sop-dir", d1, "case", "start", "pelacuran", "--attach", "Informasi Pelanggaran", "--at", back)
    ).out.strip()
    ok(run("case", "advance", cid, "--as", "kasi-trantib"))  # at step 2, perintah-penertiban (the Camat's)
    refused(run("--sop-dir", d2, "case", "migrate", "--sop", "pelacuran", "--to", "1.1", "--map",
                "perintah-penertiban=perintah-camat"), "version 1.1 of SOP pelacuran is not in force")  # fmt: skip
    ok(run("sop", "sahkan", str(v2), "--for", "budi", "--on", _ago(3)))  # 1.1 in force from 2 days ago

    before = snapshot(db_url)
    refused(run("--sop-dir", d2, "case", "migrate", "--sop", "pelacuran", "--to", "1.1", "--dry-run"),
            f"case {cid} stands at step 'perintah-penertiban', which version 1.1", "--map perintah-penertiban=")  # fmt: skip
    refused(run("--sop-dir", d2, "case", "migrate", "--sop", "pelacuran", "--to", "1.1", "--map", "perintah-penertiban=nope"),
            "'nope', which is no step of version 1.1")  # fmt: skip
    refused(run("--sop-dir", d1, "case", "migrate", "--sop", "pelacuran", "--to", "9.9"), "keeps no version 9.9")
    mapped = ("--sop-dir", d2, "case", "migrate", "--sop", "pelacuran", "--to", "1.1")
    mapped += ("--map", "perintah-penertiban=perintah-camat")
    plan = json.loads(ok(run(*mapped, "--dry-run", "--json")).out)
    assert plan["dry_run"] is True and len(plan["cases"]) == 1
    where = plan["cases"][0]
    assert (where["case"], where["from_version"], where["from_step"], where["from_no"]) == (
        cid,
        "1.0",
        "perintah-penertiban",
        2,
    )
    assert (where["to_version"], where["to_step"], where["to_no"]) == ("1.1", "perintah-camat", 3)
    assert where["missing"] == ["Nota Dinas"]  # the kelengkapan of the new step, against what is at hand
    table = ok(run(*mapped, "--dry-run")).out
    assert (
        cid in table and "1.1: 3. perintah-camat" in table and "Nota Dinas" in table and "nothing was changed" in table
    )
    assert snapshot(db_url) == before

    # moved: one event, by the administrator; the case at the renamed step, entered when it entered step 2
    shown_before = json.loads(ok(run("case", "show", cid, "--json")).out)
    ok(run(*mapped, "--reason", "SOP 1.1 berlaku"))
    shown = json.loads(ok(run("case", "show", cid, "--json")).out)
    assert (shown["version"], shown["step"]["id"], shown["step"]["no"]) == ("1.1", "perintah-camat", 3)
    assert shown["step"]["entered_at"] == shown_before["step"]["entered_at"]
    assert shown["step"]["missing"] == ["Nota Dinas"]
    refused(run("case", "void", cid, "--reason", "salah"), "is its move to version 1.1", "a void never goes back")
    refused(run(*mapped), "nothing to move")  # moved already
    refused(run("case", "advance", cid, "--as", "camat", "--for", "budi"), "needs 'Nota Dinas' first")

    ok(run("case", "attach", cid, "Nota Dinas"))
    ok(run("case", "advance", cid, "--as", "camat", "--for", "budi"))  # the Camat, on 1.1
    ok(run("case", "void", cid, "--reason", "dicatat sebelum ditandatangani"))  # voids the advance
    assert json.loads(ok(run("case", "show", cid, "--json")).out)["step"]["id"] == "perintah-camat"
    ok(run("case", "advance", cid, "--as", "camat", "--for", "budi"))
    assert json.loads(ok(run("case", "show", cid, "--json")).out)["step"]["id"] == "draft-surat-perintah"
    ok(run("case", "verify"))

    history = json.loads(ok(run("case", "history", cid, "--json")).out)
    assert [h["action"] for h in history] == ["start", "advance", "migrate", "attach", "advance", "void", "advance"]
    moved = history[2]
    assert (moved["version"], moved["step"], moved["to_version"], moved["to_step"], moved["to_step_no"]) == (
        "1.0",
        "perintah-penertiban",
        "1.1",
        "perintah-camat",
        3,
    )
    assert (moved["holder"], moved["note"]) == (me, "SOP 1.1 berlaku")
    assert [h["version"] for h in history] == ["1.0", "1.0", "1.0", "1.1", "1.1", "1.1", "1.1"]
    words = ok(run("case", "history", cid)).out
    assert "moved to version 1.1" in words and "from version 1.0; now at step 3 perintah-camat" in words

    # the chart: version 1.1, the step done there marked, the path on 1.0 said above it
    svg = ok(run("flowchart", "pelacuran", "--case", cid, "--format", "svg")).out
    assert "Version 1.1" in svg or "1.1" in svg
    assert "On version 1.0: step 1 done; moved" in svg and "at step 2 to step 3 of version 1.1" in svg
    assert svg.count('fill="#d9f2d9"') >= 1 and 'fill="#fff3b0"' in svg  # step 3 done on 1.1, step 4 now
    assert "Sekcam menelaah laporan" in svg  # the inserted step: the chart is the new version's

    report = json.loads(ok(run("report", "pelacuran", "--json")).out)
    assert report["cases_read"] == 1 and report["events_read"] == 7
    by_version = {s["version"]: s for s in report["sops"]}
    old, new = by_version["1.0"], by_version["1.1"]
    assert (old["cases"]["started"], new["cases"]["started"]) == (0, 1)  # the case counted once, where it is now
    assert (old["moved_out"], new["moved_in"]) == (1, 1)
    done = {v: {s["id"]: s["completions"] for s in by_version[v]["steps"]} for v in by_version}
    assert done["1.0"]["terima-laporan"] == 1 and sum(done["1.0"].values()) == 1  # done on 1.0
    assert done["1.1"]["perintah-camat"] == 1 and sum(done["1.1"].values()) == 1  # once: the voided one not
    assert {s["id"]: s["open"] for s in new["steps"]}["draft-surat-perintah"] == 1
    assert any("moved from pelacuran 1.0" in n for n in report["notes"])


def test_a_migration_moves_every_case_or_none(db_url, tmp_path):
    """Two cases moved in one transaction; the second changed by a clerk since it was read: neither moves,
    on either store (on PostgreSQL the first sop_migrate call is rolled back with the second)."""
    from runner import Attachment, Cases, ConcurrentChange, find_sop, load_sop, open_store

    raw = yaml.safe_load((SOPS / "pelacuran.yaml").read_text(encoding="utf-8"))
    raw["version"] = "1.1"
    (tmp_path / "v2").mkdir()
    (tmp_path / "v2" / "pelacuran.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), "utf-8")
    with open_store(db_url) as store:
        cases = Cases(store, [str(tmp_path / "v2")])
        sop = load_sop(find_sop("pelacuran", [str(SOPS)]))
        first, second = (cases.start(sop, attach=[Attachment("Informasi Pelanggaran")]) for _ in range(2))
        target = cases.target_version("pelacuran", "1.1")
        writes = [
            (row, cases._migration(row, sop, target, row.step, {}, None, store.clock(), None))
            for row in (first, second)
        ]
        cases.advance(second.id, "kasi-trantib")  # a clerk, meanwhile
        before = [store.events(c.id) for c in (first, second)], store.case(first.id)
        definition = (target.digest, target.version, target.canonical, target.source)
        with pytest.raises(ConcurrentChange):
            store.migrate_cases(definition, writes)
        assert ([store.events(c.id) for c in (first, second)], store.case(first.id)) == before
        moved = cases.migrate("pelacuran", "1.1")  # read afresh: both move
        assert sorted(p.case for p in moved) == sorted([first.id, second.id])
        assert {store.case(c.id).definition for c in (first, second)} == {target.digest}
        assert cases.verify() == []
