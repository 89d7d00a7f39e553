"""SOPs made up for tests that need more than the shipped ones."""

from __future__ import annotations

from pathlib import Path


def generated_sop(tmp_path: Path, n: int = 40) -> Path:
    """A long SOP with every kind of arrow: loops back, jumps forward, shared steps, early ends."""
    lanes = ["camat", "sekcam", "kasi", "danru", "anggota"]
    lines = ["format: 1", "id: panjang", 'version: "1"', "nama: SOP Panjang Buatan Uji", "pelaksana:"]
    lines += [f"  - {{id: {p}, nama: Jabatan {p.title()}}}" for p in lanes]
    lines.append("steps:")
    for i in range(1, n + 1):
        who = lanes[(i * 3) % 5]
        lines += [
            f"  - id: s{i}",
            f"    uraian: Langkah nomor {i} " + "dengan uraian yang cukup panjang " * (i % 4),
            f"    pelaksana: {'[' + who + ', ' + lanes[(i * 3 + 2) % 5] + ']' if i % 6 == 0 else who}",
            "    waktu: 1 jam kerja",
            f"    output: [Dokumen {i}]",
        ]
        if i % 7 == 0 and i > 3:  # a correction back three steps
            lines += [
                "    decision:",
                "      question: Disetujui?",
                "      outcomes:",
                f"        ya: s{i + 1 if i < n else 1}",
                f"        koreksi: s{i - 3}",
            ]
        elif i % 10 == 5 and i + 3 <= n:  # a jump forward, over two steps
            lines += [
                "    decision:",
                "      question: Perlu pemeriksaan?",
                "      outcomes:",
                f"        tidak: s{i + 3}",
                f"        ya: s{i + 1}",
                "        batal: end",
            ]
    path = tmp_path / "panjang.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
