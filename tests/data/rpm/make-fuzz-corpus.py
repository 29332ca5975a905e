#!/usr/bin/env python3
# Writes the seed corpus of tests/fuzz/fuzz-rpm.c (first byte: 0 header
# blob, 1 Berkeley DB, 2 NDB, 3 SQLite) from small real header blobs of
# the shared rpm databases. Usage: make-fuzz-corpus.py SHARED_DATA OUTDIR
import os
import sqlite3
import struct
import sys
import tempfile
import zlib

shared, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def sqlite_blobs():
    db = sqlite3.connect(f"file:{shared}/pkgdb/rpm/cbl-mariner-2.0/rpmdb.sqlite?mode=ro", uri=True)
    return sorted((len(b), bytes(b)) for (b,) in db.execute("SELECT blob FROM Packages"))


def ndb_blobs():
    d = open(f"{shared}/pkgdb/rpm/sle15-bci/Packages.db", "rb").read()
    res = []
    for off in range(32, struct.unpack_from("<I", d, 12)[0] * 4096, 16):
        _, idx, bo, bc = struct.unpack_from("<4I", d, off)
        if idx:
            n = struct.unpack_from("<I", d, bo * 16 + 12)[0]
            res.append((n, d[bo * 16 + 16:bo * 16 + 16 + n]))
    return sorted(res)


def bdb(blob, big_endian=False, ps=512):
    e = ">" if big_endian else "<"
    per = ps - 26
    nov = (len(blob) + per - 1) // per
    npages = 2 + nov
    f = bytearray(npages * ps)
    struct.pack_into(e + "III", f, 12, 0x061561, 9, ps)
    f[25] = 8
    struct.pack_into(e + "I", f, 32, npages - 1)
    pg = ps
    struct.pack_into(e + "I", f, pg + 8, 1)
    struct.pack_into(e + "H", f, pg + 20, 2)
    f[pg + 25] = 13
    ko = ps - 5
    f[pg + ko] = 1
    struct.pack_into(e + "I", f, pg + ko + 1, 1)
    vo = ko - 12
    f[pg + vo] = 3
    struct.pack_into(e + "II", f, pg + vo + 4, 2, len(blob))
    struct.pack_into(e + "HH", f, pg + 26, ko, vo)
    struct.pack_into(e + "H", f, pg + 22, vo)
    for i in range(nov):
        pg = (2 + i) * ps
        chunk = blob[i * per:(i + 1) * per]
        struct.pack_into(e + "III", f, pg + 8, 2 + i, 1 + i if i else 0,
                         3 + i if i + 1 < nov else 0)
        struct.pack_into(e + "HH", f, pg + 20, 1, len(chunk))
        f[pg + 25] = 7
        f[pg + 26:pg + 26 + len(chunk)] = chunk
    return bytes(f)


def ndb(blobs):
    f = bytearray(4096)
    f[0:4] = b"RpmP"
    struct.pack_into("<III", f, 8, 1, 1, len(blobs) + 1)
    for off in range(32, 4096, 16):
        f[off:off + 4] = b"Slot"
    for i, blob in enumerate(blobs):
        blk = (16 + len(blob) + 12 + 15) // 16
        struct.pack_into("<III", f, 32 + i * 16 + 4, i + 1, len(f) // 16, blk)
        b = bytearray(blk * 16)
        b[0:4] = b"BlbS"
        struct.pack_into("<III", b, 4, i + 1, 1, len(blob))
        b[16:16 + len(blob)] = blob
        struct.pack_into("<III", b, len(b) - 12, zlib.adler32(bytes(b[:-12])), len(blob),
                         0x45626C42)
        f += b
    return bytes(f)


def sqlite_db(blobs):
    with tempfile.TemporaryDirectory() as t:
        db = sqlite3.connect(f"{t}/x.sqlite")
        db.execute("PRAGMA page_size = 1024")
        db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
        db.executemany("INSERT INTO Packages (blob) VALUES (?)", [(b,) for b in blobs])
        db.commit()
        db.execute("PRAGMA journal_mode = WAL")
        db.close()
        return open(f"{t}/x.sqlite", "rb").read()


sq = sqlite_blobs()
nd = ndb_blobs()
small = sq[0][1]
seeds = {
    "blob-mariner-smallest": b"\0" + small,
    "blob-sle-smallest": b"\0" + nd[0][1],
    "blob-truncated": b"\0" + small[:len(small) // 2],
    "bdb-le": b"\1" + bdb(small),
    "bdb-be": b"\1" + bdb(nd[0][1], big_endian=True),
    "ndb-two": b"\2" + ndb([small, nd[0][1]]),
    "sqlite-wal": b"\3" + sqlite_db([small]),
}
for name, data in seeds.items():
    assert len(data) < 65536, name
    open(f"{out}/{name}", "wb").write(data)
    print(name, len(data))
