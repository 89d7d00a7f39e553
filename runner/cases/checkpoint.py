"""The audit anchor: the head of every case's chain at one moment, and one digest over them all.

The hash chain shows that no event was changed *unless* someone rewrote the
rows and recomputed every hash after them. A checkpoint ends that: its file
(and its one-line digest, printed on paper) is kept outside the store, and
``case verify --against FILE`` recomputes each case's chain from its events
up to the checkpointed event and compares it with the head the file holds. A
history rewritten since, with the chain recomputed or not, no longer gives
that head; a case that was deleted is missing. The file cannot be edited to
match: its digest covers every head, and the digest is what went on paper.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..canonical import canonical_json, sha256_hex
from ..errors import UserError
from ..files import check_output, read_regular, write_file
from ..i18n import _
from ..l10n import format_moment_text
from ..store import SQLStore
from ..store.chain import GENESIS, event_hash, people_hash
from ..store.clock import iso, now
from .findings import Finding

if TYPE_CHECKING:
    from .service import Cases

FORMAT = 2  # 2 covers the chain of people and posts too; files of format 1 (cases only) are still read
_MAX_FILE = 512 * 1024 * 1024  # about a hundred bytes a case: millions of cases
_HASH = re.compile(r"[0-9a-f]{64}")


class Checkpoint(NamedTuple):
    """Every case's chain head (case id -> (seq, hash)) at ``taken_at`` (UTC), and the digest over them."""

    taken_at: str
    heads: dict[str, tuple[int, str]]
    digest: str
    people: tuple[int, str] | None = None  # the head of the chain of people and posts (format 2)

    def to_json(self) -> dict[str, Any]:
        """The file's content: ``{format, taken_at, cases{id: {seq, hash}}, [people{seq, hash}], digest}``."""
        return {**_covered(self.taken_at, self.heads, self.people), "digest": self.digest}


def _covered(taken_at: str, heads: dict[str, tuple[int, str]], people: tuple[int, str] | None) -> dict[str, Any]:
    """What the digest is taken over: the format, the time, every head, and the people chain's (format 2)."""
    covered: dict[str, Any] = {
        "format": 1 if people is None else FORMAT,
        "taken_at": taken_at,
        "cases": {case: {"seq": seq, "hash": head} for case, (seq, head) in sorted(heads.items())},
    }
    if people is not None:
        covered["people"] = {"seq": people[0], "hash": people[1]}
    return covered


def digest_of(taken_at: str, heads: dict[str, tuple[int, str]], people: tuple[int, str] | None = None) -> str:
    return sha256_hex(canonical_json(_covered(taken_at, heads, people)))


def take(cases: Cases, path: Path) -> Checkpoint:
    """Take a checkpoint of the store, write it to ``path`` and keep it in the store, both or neither.

    The store must verify first: a checkpoint of a damaged store would anchor the damage.
    """
    if check_output(path) is not None:
        raise UserError(
            _("{path} exists already; a checkpoint never replaces another — give a new file name").format(path=path),
            "checkpoint-exists",
            path=str(path),
        )
    store = cases.store
    heads = store.heads()  # first: every head here is part of the chains verify then checks
    findings = cases.verify()
    if findings:
        raise UserError(
            _(
                "the store does not verify ({n} finding(s), the first: {first}); a checkpoint would anchor the damage — repair or restore the store first"
            ).format(n=len(findings), first=findings[0]),
            "store-does-not-verify",
            findings=len(findings),
        )
    chain = store.people_events()
    people = (chain[-1].seq, chain[-1].hash) if chain else (0, GENESIS)
    taken_at = iso(now())
    checkpoint = Checkpoint(taken_at, heads, digest_of(taken_at, heads, people), people)
    body = json.dumps(checkpoint.to_json(), ensure_ascii=False, indent=1) + "\n"
    written = False
    try:
        with store.transaction():
            store.add_checkpoint(checkpoint.digest, taken_at, body)
            write_file(path, body.encode("utf-8"))
            written = True
    except BaseException:
        if written:  # the store did not keep it: neither does the file
            path.unlink(missing_ok=True)
        raise
    return checkpoint


def latest(store: SQLStore) -> Checkpoint | None:
    """The checkpoint taken last in this store, if any (its digest goes on printed documents)."""
    body = store.latest_checkpoint()
    if body is None:
        return None
    try:
        data = json.loads(body)
    except ValueError:  # a row written behind sop's back: refused like any file that is not a checkpoint
        data = None
    name = _("the latest checkpoint kept in the store")
    checkpoint = _parse(data, name)
    # documents print its digest as the anchor of the store: only when every head it names is one the
    # store holds (a row planted with a digest of its own making names heads no event has)
    for case, (seq, head) in checkpoint.heads.items():
        found = store.execute("SELECT hash FROM events WHERE case_id = ? AND seq = ?", (case, seq)).fetchone()
        if found is None or found[0] != head:
            raise UserError(
                _("{path} names a head of case {id} the store does not hold, so no document prints its digest").format(
                    path=name, id=case
                ),
                "checkpoint-not-of-store",
                case=case,
            )
    if checkpoint.people is not None and checkpoint.people[0] > 0:
        seq, head = checkpoint.people
        found = store.execute("SELECT hash FROM people_events WHERE seq = ?", (seq,)).fetchone()
        if found is None or found[0] != head:
            raise UserError(
                _(
                    "{path} names a head of the record of people and posts the store does not hold, so no document prints its digest"
                ).format(path=name),
                "checkpoint-not-of-store",
            )
    return checkpoint


def read(path: Path) -> Checkpoint:
    """A checkpoint file, refused when it is not one or when it was edited since it was written."""

    def too_large(size: int | None) -> UserError:
        return UserError(
            _("{path} is too large for a checkpoint").format(path=path), "not-a-checkpoint", path=str(path)
        )

    try:
        data = json.loads(read_regular(path, _MAX_FILE, too_large))
    except ValueError:
        data = None
    return _parse(data, str(path))


def _parse(data: Any, name: str) -> Checkpoint:
    def malformed() -> UserError:
        return UserError(
            _("{path} is not a checkpoint of sop-runner (format {format})").format(path=name, format=FORMAT),
            "not-a-checkpoint",
            path=name,
        )

    if not (isinstance(data, dict) and data.get("format") in (1, FORMAT)):
        raise malformed()
    people = None
    if data["format"] == FORMAT:
        chain = data.get("people")
        seq, digest = (chain.get("seq"), chain.get("hash")) if isinstance(chain, dict) else (None, None)
        if not (type(seq) is int and seq >= 0 and isinstance(digest, str) and _HASH.fullmatch(digest)):
            raise malformed()
        people = (seq, digest)
    taken_at, cases, stated = data.get("taken_at"), data.get("cases"), data.get("digest")
    if not (isinstance(taken_at, str) and isinstance(cases, dict) and isinstance(stated, str)):
        raise malformed()
    heads = {}
    for case, head in cases.items():
        seq, digest = (
            head.get("seq") if isinstance(head, dict) else None,
            head.get("hash") if isinstance(head, dict) else None,
        )
        if not (type(seq) is int and seq > 0 and isinstance(digest, str) and _HASH.fullmatch(digest)):
            raise malformed()
        heads[case] = (seq, digest)
    if digest_of(taken_at, heads, people) != stated:
        raise UserError(
            _(
                "the checkpoint {path} was changed after it was written: its digest does not cover its heads; use the original file, whose digest is the one kept on paper"
            ).format(path=name),
            "checkpoint-edited",
            path=name,
        )
    return Checkpoint(taken_at, heads, stated, people)


def compare(store: SQLStore, checkpoint: Checkpoint, case_id: str | None = None) -> list[Finding]:
    """Every case of the checkpoint (or only ``case_id``) whose history up to its checkpointed
    event is not the one checkpointed, or that is gone."""
    findings = []
    if checkpoint.people is not None and case_id is None:
        seq, head = checkpoint.people
        chain = store.people_events()
        prev = GENESIS
        for e in chain[:seq]:  # recomputed from the changes alone: stored hashes and links not trusted
            prev = people_hash(prev, e.seq, e.at, e.actor, e.via, e.action, e.subject, e.data)
        if len(chain) < seq or prev != head:
            findings.append(
                Finding(
                    None,
                    "people-rewritten",
                    _(
                        "the record of people and posts up to change #{seq} is not the one checkpointed at {at} — it was rewritten since"
                    ).format(seq=seq, at=format_moment_text(checkpoint.taken_at)),
                    seq,
                )
            )
    for case, (seq, head) in sorted(checkpoint.heads.items()):
        if case_id is not None and case != case_id:
            continue
        events = store.events(case)
        if not events and store.case_columns(case) is None:
            findings.append(
                Finding(
                    case,
                    "case-missing",
                    _("case {id} was in the checkpoint of {at} (up to event #{seq}) and is gone from the store").format(
                        id=case, at=format_moment_text(checkpoint.taken_at), seq=seq
                    ),
                )
            )
            continue
        if _recomputed_head(events, seq) != head:
            findings.append(
                Finding(
                    case,
                    "history-rewritten",
                    _(
                        "case {id}: its history up to event #{seq} is not the one checkpointed at {at} — it was rewritten since"
                    ).format(id=case, seq=seq, at=format_moment_text(checkpoint.taken_at)),
                    seq,
                )
            )
    return findings


def _recomputed_head(events: list[Any], seq: int) -> str | None:
    """The hash of event ``seq`` recomputed from the events' content alone, the stored hashes
    and links not trusted; None when the case has fewer events."""
    if len(events) < seq:
        return None
    prev = GENESIS
    for i, e in enumerate(events[:seq]):
        if e.seq != i + 1:
            return None
        prev = event_hash(e._replace(prev_hash=prev))
    return prev
