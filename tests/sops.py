"""SOPs made up for tests (and the layout benchmark) that need more than the shipped ones; each one is valid."""

from __future__ import annotations

import random
from pathlib import Path


def generated_sop(tmp_path: Path, n: int = 40, nama: str = "SOP Panjang Buatan Uji", unit: str = "") -> Path:
    """A long SOP with every kind of arrow: loops back, jumps forward, shared steps, early ends."""
    lanes = ["camat", "sekcam", "kasi", "danru", "anggota"]
    lines = ["format: 1", "id: panjang", 'version: "1"', f"nama: {nama}", *([f"unit: {unit}"] if unit else [])]
    lines.append("pelaksana:")
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


def fan_out_sop(folder: Path, k: int) -> Path:
    """One decision with ``k`` outcomes, each to a step of its own that ends the case."""
    lines = ["format: 1", f"id: cabang-{k}", 'version: "1"', f"nama: Keputusan dengan {k} Pilihan", "pelaksana:"]
    lines += ["  - {id: kasi, nama: Kepala Seksi}", "  - {id: staf, nama: Staf Pelaksana}", "steps:"]
    lines += ["  - id: putus", "    uraian: Kasi memilah laporan", "    pelaksana: kasi", "    waktu: 1 jam"]
    lines += ["    decision:", "      question: Jenis laporan?", "      outcomes:"]
    lines += [f"        jenis-{i}: tindak-{i}" for i in range(k)]
    for i in range(k):
        lines += [
            f"  - id: tindak-{i}",
            f"    uraian: Menindaklanjuti laporan jenis {i}",
            f"    pelaksana: {'kasi' if i % 2 else 'staf'}",
            "    waktu: 1 hari",
            "    next: end",
        ]
    path = folder / f"cabang-{k}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def decisions_sop(folder: Path, n: int, seed: int = 1, reach: int = 8) -> Path:
    """``n`` decision steps of 4 to 7 outcomes each: one to the next step, the others back or forward to
    steps at most ``reach`` away (or to the end), drawn at random with a fixed seed."""
    rnd = random.Random(seed)
    lanes = ["camat", "sekcam", "kasi", "danru"]
    names = ["lanjut", "ulang", "lewati", "tunda", "periksa", "banding", "batal"]
    lines = ["format: 1", f"id: keputusan-{n}", 'version: "1"', f"nama: {n} Keputusan", "pelaksana:"]
    lines += [f"  - {{id: {p}, nama: Jabatan {p.title()}}}" for p in lanes]
    lines.append("steps:")
    for i in range(n):
        count = rnd.randint(4, 7)
        targets = [f"k{i + 1}" if i + 1 < n else "end"]  # every step reachable, and the end from every one
        while len(targets) < count:
            near = min(n - 1, max(0, i + rnd.randint(-reach, reach)))
            target = rnd.choice([f"k{near}"] * 9 + ["end"])
            if target not in targets:
                targets.append(target)
        lines += [
            f"  - id: k{i}",
            f"    uraian: Keputusan nomor {i + 1}",
            f"    pelaksana: {rnd.choice(lanes)}",
            "    waktu: 2 jam",
            "    decision:",
            "      question: Lanjut ke mana?",
            "      outcomes:",
        ]
        lines += [f"        {name}: {target}" for name, target in zip(names, targets, strict=False)]
    path = folder / f"keputusan-{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


KEGIATAN = [
    "menerima surat masuk dan mengagendakannya",
    "memeriksa kelengkapan berkas permohonan dan menyusun nota dinas untuk pimpinan",
    "mendisposisikan surat kepada bidang terkait",
    "menyusun draft laporan pelaksanaan kegiatan penertiban beserta dokumentasi foto di lapangan",
    "memverifikasi dan memaraf draft surat",
    "menandatangani surat dan meneruskannya kepada Sekretaris untuk diberi nomor dan diarsipkan",
    "melaksanakan kegiatan di lapangan sesuai surat perintah",
    "mengarsipkan dokumen",
]


def typical_sop(folder: Path, n: int, seed: int = 1, loops: int = 1, lanes: int = 4, long: bool = False) -> Path:
    """An SOP shaped like the office's signed ones: ``n`` rows of one pelaksana each (now and then two), in
    ``lanes`` lanes, texts of one to three lines (``long``: four to six), and ``loops`` corrections: a decision
    whose "tidak" goes back one or two rows, to a box in its own lane or another, and whose "ya" goes on."""
    rnd = random.Random(seed)
    posts = ["kepala", "sekretaris", "kasubag", "staf", "bendahara", "kasi"][:lanes]
    lines = ["format: 1", f"id: biasa-{n}", 'version: "1"', f"nama: Pelayanan Umum {n} Langkah", "pelaksana:"]
    lines += [f"  - {{id: {p}, nama: {p.title()} Satuan}}" for p in posts]
    lines.append("steps:")
    checks = set(rnd.sample(range(2, n - 1), min(loops, max(0, n - 3)))) if n > 3 else set()
    for i in range(1, n + 1):
        words = " ".join(rnd.choice(KEGIATAN) for _k in range(rnd.randint(2, 3) if long else 1))
        who = rnd.choice(posts)
        pelaksana = f"[{who}, {rnd.choice([p for p in posts if p != who])}]" if rnd.random() < 0.1 else who
        lines += [
            f"  - id: l{i}",
            f"    uraian: {who.title()} {words}",
            f"    pelaksana: {pelaksana}",
            f"    waktu: {rnd.randint(1, 3)} jam",
            f"    kelengkapan: [Surat {i}]",
            f"    output: [Dokumen {i}]",
        ]
        if i in checks:
            back = max(1, i - rnd.choice([1, 1, 2]))
            lines += ["    decision:", "      outcomes:", f"        tidak: l{back}", f"        ya: l{i + 1}"]
        elif i == n:
            lines.append("    next: end")
    path = folder / f"biasa-{n}-{seed}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
