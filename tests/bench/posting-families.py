#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Where a store's posting bytes go, by term family: `path=` for field terms, `@…=` for the importer's
# own (request, trace and span IDs, level, service), and plain tokens split into words and those with
# digits (IDs, hex, numbers). Reads the blocks of the `postings` table as core/store/sqlite/
# postingblocks.h lays them out (per term: varint length, term, varint length, posting list), read-only.
#
#   tests/bench/posting-families.py STORE [TOP]
#
# "1 event" counts the terms of a segment whose list holds a single event id: the cost of IDs that
# occur once. A term repeated in several segments counts once per segment.
import collections
import sqlite3
import sys


def varint(data, at):
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def family(term):
    if "=" in term:
        return term.split("=", 1)[0] + "="
    return "(token with digits)" if any(c.isdigit() for c in term) else "(token, word)"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: posting-families.py STORE [TOP]")
    top = int(sys.argv[2]) if len(sys.argv) == 3 else 16
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    families = collections.defaultdict(lambda: [0, 0, 0, 0])  # terms, single-event lists, term bytes, list bytes
    for (data,) in db.execute("SELECT data FROM postings"):
        at = 0
        while at < len(data):
            start = at
            length, at = varint(data, at)
            term = data[at:at + length].decode("utf-8", "replace")
            at += length
            length, at = varint(data, at)
            ids = data[at:at + length]
            at += length
            counts = families[family(term)]
            counts[0] += 1
            counts[1] += sum(1 for byte in ids if byte < 0x80) == 1
            counts[2] += at - start - length
            counts[3] += length
    total = sum(c[2] + c[3] for c in families.values())
    print(f"{'family':24} {'terms':>10} {'1 event':>10} {'term bytes':>12} {'list bytes':>12}  share")
    for name, c in sorted(families.items(), key=lambda item: -(item[1][2] + item[1][3]))[:top]:
        print(f"{name:24} {c[0]:10} {c[1]:10} {c[2]:12} {c[3]:12}  {100 * (c[2] + c[3]) / total:5.1f}%")
    print(f"{'all':24} {sum(c[0] for c in families.values()):10} {sum(c[1] for c in families.values()):10} "
          f"{sum(c[2] for c in families.values()):12} {sum(c[3] for c in families.values()):12}  (of the blocks' {total} bytes)")


if __name__ == "__main__":
    main()
