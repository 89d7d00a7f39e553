"""The identity page's fields in words, in the page's order: one source for the printed page and ``sop show``."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from .dates import parse_signed_date
from .model import SOP, Signature

# (label, key): the head of the page, then its fields of items; labels translated when shown
HEAD = (
    (N_("SOP number"), "nomor"),
    (N_("Date made"), "tanggal_pembuatan"),
    (N_("Date revised"), "tanggal_revisi"),
    (N_("Date effective"), "tanggal_efektif"),
)
LISTS = (
    (N_("Legal basis"), "dasar_hukum"),
    (N_("Qualifications of the pelaksana"), "kualifikasi_pelaksana"),
    (N_("Related SOPs"), "keterkaitan"),
    (N_("Equipment and supplies"), "peralatan_perlengkapan"),
    (N_("Warning"), "peringatan"),
    (N_("Records and data"), "pencatatan_pendataan"),
)


def date_text(text: str) -> str:
    """A date of the identity page in words (``15 Januari 2024``, ``Agustus 2023``); other text as given."""
    signed = parse_signed_date(str(text)) if text else None
    return signed.printed() if signed else str(text)


def kop(sop: SOP) -> list[str]:
    """The letterhead's lines as written; by default the instansi and the unit in capitals."""
    return list((sop.identity or {}).get("kop") or [x.upper() for x in (sop.instansi, sop.unit) if x])


def title_label(sop: SOP) -> str:
    """The label of the SOP's title as the office prints it: "Nama SOP" or "Judul SOP"."""
    # TRANSLATORS: the label of the SOP's title on the identity page, as some offices print it: "Judul SOP"
    return _("SOP title") if (sop.identity or {}).get("label_nama") == "judul" else _("SOP name")


def numbered_title(sop: SOP) -> str:
    """The table's title as the office's set numbers it: ``29. SOP Pelarangan Pelacuran``."""
    number = (sop.identity or {}).get("nomor_urut")
    title = _("SOP {nama}").format(nama=sop.nama)
    return f"{number}. {title}" if number else title


def signer(sop: SOP, signed: Signature | None = None) -> dict[str, Any]:
    """The signature block: place and date, jabatan, nama, NIP; from the store's pengesahan when given
    (``signed``), else as the SOP file writes ``disahkan_oleh``."""
    written = (sop.identity or {}).get("disahkan_oleh") or {}
    if signed is not None:
        jabatan, nama, nip, day = signed.jabatan, signed.nama, signed.nip, date_text(signed.signed_on)
    else:
        jabatan, nama, nip = written.get("jabatan", ""), written.get("nama", ""), written.get("nip")
        day = date_text(written.get("tanggal") or "")
    return {
        "place": ", ".join(x for x in (written.get("tempat"), day) if x),
        "jabatan": jabatan,
        "nama": nama,
        "nip": nip,
    }


def identity_fields(sop: SOP, signed: Signature | None = None) -> list[tuple[str, str | list[str]]]:
    """Every field of the identity page the SOP fills, in the page's order, as (label, text or items):
    a text may hold several lines (the letterhead, the signature block); items are printed numbered."""
    identity = sop.identity or {}
    fields: list[tuple[str, str | list[str]]] = []
    if identity.get("kop"):
        fields.append((_("Letterhead"), "\n".join(kop(sop))))
    if identity.get("logo"):
        fields.append((_("Logo"), identity["logo"]))
    for label, key in HEAD:
        if identity.get(key):
            fields.append((_(label), date_text(identity[key]) if key != "nomor" else identity[key]))
    block = signer(sop, signed)
    lines = [x for x in (block["place"], block["jabatan"], block["nama"]) if x]
    if block["nip"]:
        lines.append(f"NIP. {block['nip']}")
    if lines:
        fields.append((_("Approved by"), "\n".join(lines)))
    fields.append((title_label(sop), sop.nama))
    if identity.get("nomor_urut"):
        fields.append((_("Number in the office's set"), str(identity["nomor_urut"])))
    for label, key in LISTS:
        if identity.get(key):
            fields.append((_(label), list(identity[key])))
    return fields
