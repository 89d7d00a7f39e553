"""A clerk who never stops: start pelacuran cases and advance them, forever.

Used by the kill test: it prints one line per action, and the test kills it
with SIGKILL somewhere in the middle of one.
"""

from __future__ import annotations

import sys

from runner import Attachment, Cases, find_sop, load_sop, open_store


def main(db_url: str) -> None:
    sop = load_sop(find_sop("pelacuran"))
    with open_store(db_url) as store:
        cases = Cases(store)
        while True:
            row = cases.start(sop, attach=[Attachment("Informasi Pelanggaran")])
            while row.status == "open":
                step = sop.step(row.step)
                outcome = next(iter(step.decision.outcomes)) if step.decision else None
                docs = [Attachment(k) for k in step.kelengkapan]
                row = cases.advance(row.id, step.pelaksana[0], outcome=outcome, attach=docs)
                print(row.id, row.seq, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
