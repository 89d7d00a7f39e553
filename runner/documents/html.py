"""The SOP AP document as one self-contained printable HTML file: identity page, then the chart.

Each chart page is an SVG picture of the lines and symbols with its texts set
over it as absolutely positioned HTML, so that a printed PDF keeps real,
searchable text (WeasyPrint draws SVG text glyph by glyph).
"""

from __future__ import annotations

from typing import Any

from ..definition import SOP
from ..definition.dates import parse_signed_date
from ..definition.logo import LogoProblem, data_url, logo_path
from ..errors import UserError
from ..i18n import N_, _
from .base import Options
from .chart import labels
from .layout import compute
from .overlay import Progress
from .svg import svg_pages
from .templates import environment

PAGE_SIZES = {"a4": "A4 landscape", "f4": "330mm 215mm"}  # F4/Folio, landscape

_IDENTITY_PAIRS = [  # titles translated when rendered
    ((N_("Legal basis"), "dasar_hukum"), (N_("Qualifications of the pelaksana"), "kualifikasi_pelaksana")),
    ((N_("Related SOPs"), "keterkaitan"), (N_("Equipment and supplies"), "peralatan_perlengkapan")),
    ((N_("Warning"), "peringatan"), (N_("Records and data"), "pencatatan_pendataan")),
]


def render(sop: SOP, overlay: Progress | None, options: Options) -> str:
    from markupsafe import Markup  # a third-party module: only HTML that is rendered

    layout = compute(sop, options.steps_per_page, options.paper, overlay.masthead() if overlay else ())
    identity = sop.identity or {}
    pairs = [tuple((_(title), identity.get(key, [])) for title, key in pair) for pair in _IDENTITY_PAIRS]
    page = identity_page(sop, options) if sop.identity else None
    pictures = [Markup(svg) for svg in svg_pages(layout, overlay, text=False)]  # noqa: S704 - rendered by our autoescaped template
    pages = [(picture, labels(layout, page, overlay)) for picture, page in zip(pictures, layout.pages, strict=True)]
    return (
        environment()
        .get_template("flowchart.html.j2")
        .render(
            sop=sop,
            pages=pages,
            pairs=pairs,
            page=page,
            title=numbered_title(sop),
            overlay=overlay,
            page_size=PAGE_SIZES[layout.paper],
            width=round(layout.width, 1),
            height=round(layout.height, 1),
        )
    )


def identity_page(sop: SOP, options: Options) -> dict[str, Any]:
    """What the identity page's head prints: the letterhead, the logo, the label of the title and the
    signature block, from the SOP file, and who signed and when from the case store when it knows."""
    identity = sop.identity or {}
    kop = identity.get("kop") or [x.upper() for x in (sop.instansi, sop.unit) if x]
    logo = None
    if identity.get("logo") and sop.folder is not None:  # a stored definition printed without its file has none
        try:
            logo = data_url(logo_path(sop.folder, identity["logo"]))
        except LogoProblem as e:  # changed since it was checked
            raise UserError(str(e), "bad-logo", logo=identity["logo"]) from None
    written = identity.get("disahkan_oleh") or {}
    signed = options.signed
    if signed is not None:
        jabatan, nama, nip, day = signed.jabatan, signed.nama, signed.nip, format_date_text(signed.signed_on)
    else:
        jabatan, nama, nip = written.get("jabatan", ""), written.get("nama", ""), written.get("nip")
        day = format_date_text(written.get("tanggal") or "")
    place = ", ".join(x for x in (written.get("tempat"), day) if x)
    return {
        "kop": kop,
        "logo": logo,
        # TRANSLATORS: the label of the SOP's title on the identity page, as offices print it: "Judul SOP"
        "label": _("SOP title") if identity.get("label_nama") == "judul" else _("SOP name"),
        "title": numbered_title(sop),
        "place": place,
        "jabatan": jabatan,
        "nama": nama,
        "nip": nip,
    }


def format_date_text(text: str) -> str:
    """A date of the identity page in words (``15 Januari 2024``, ``Agustus 2023``); other text as given."""
    signed = parse_signed_date(text) if text else None
    return signed.printed() if signed else text


def numbered_title(sop: SOP) -> str:
    """The table's title as the office's set numbers it: ``29. SOP Pelarangan Pelacuran``."""
    number = (sop.identity or {}).get("nomor_urut")
    title = _("SOP {nama}").format(nama=sop.nama)
    return f"{number}. {title}" if number else title
