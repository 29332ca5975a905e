#!/usr/bin/env python3
# Copy the header blobs of an rpm NDB database (Packages.db) into a new
# SQLite rpmdb that Debian's rpm (built without the NDB backend) can query.
# Written for customs' rpm tests from rpm's NDB layout: a 32-byte header
# ('RpmP', version, generation, slot page count, next index), 16-byte slots
# ('Slot', package index, block offset, block count; 16-byte blocks) after
# it, and blobs framed by 'BlbS', index, generation, length ... 'BlbE'.
# Deliberately independent of the C reader under test.
import sqlite3
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
magic, version, _gen, slot_pages, _next = struct.unpack_from("<5I", data, 0)
assert data[:4] == b"RpmP" and version == 0, "not an ndb database"
blobs = []
for off in range(32, slot_pages * 4096, 16):
    smagic, idx, blkoff, blkcnt = struct.unpack_from("<4I", data, off)
    assert data[off:off + 4] == b"Slot"
    if idx == 0:
        continue
    blob = data[blkoff * 16:(blkoff + blkcnt) * 16]
    assert blob[:4] == b"BlbS" and blob[-4:] == b"BlbE"
    bidx, _bgen, length = struct.unpack_from("<3I", blob, 4)
    assert bidx == idx
    blobs.append((idx, blob[16:16 + length]))

db = sqlite3.connect(dst)
db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
# rpm opens (and would otherwise create) every index table
for t in ("Name Basenames Group Requirename Providename Conflictname Obsoletename "
          "Triggername Dirnames Installtid Sigmd5 Sha1header Filetriggername "
          "Transfiletriggername Recommendname Suggestname Supplementname Enhancename").split():
    db.execute(f"CREATE TABLE '{t}' (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx INTEGER NOT NULL)")
db.executemany("INSERT INTO Packages VALUES (?, ?)", blobs)
db.commit()
print(len(blobs))
