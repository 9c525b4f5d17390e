#!/usr/bin/env python3
"""What indexing article bodies costs SQLite's FTS5 alone, outside Masthead: the floor under
any write path. Reads the titles, excerpts and plaintexts of a Masthead database (plaintext is
stored as a 4-byte length and a zlib stream), then indexes them into a new FTS5 table with
Masthead's tokenizer, the way Masthead's triggers do and with plain inserts, in transactions
of 1, 8 and 64 documents, and in one.

    Benchmarks/fts-floor.py Benchmarks/work/loaded-10000.sqlite [--documents 3000]

Only the standard library (its sqlite3 module uses the system libsqlite3).
"""
import argparse
import os
import sqlite3
import tempfile
import time
import zlib

TOKENIZER = "porter unicode61 remove_diacritics 2"


def documents(path, limit):
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = source.execute(
        "SELECT a.id, a.title, a.excerpt, b.plaintext FROM articles a"
        " JOIN article_bodies b ON b.article_id = a.id ORDER BY a.id LIMIT ?",
        (limit,),
    ).fetchall()
    return [(i, title, excerpt, zlib.decompress(stored[4:]).decode()) for i, title, excerpt, stored in rows]


def index(docs, group, trigger, folder):
    path = os.path.join(folder, f"floor-{group}-{trigger}.sqlite")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("CREATE TABLE docs (id INTEGER PRIMARY KEY, title, excerpt, body)")
    db.execute(f"CREATE VIRTUAL TABLE f USING fts5(title, excerpt, body, content='', tokenize='{TOKENIZER}')")
    if trigger:
        db.execute(
            "CREATE TRIGGER t AFTER INSERT ON docs BEGIN"
            " INSERT INTO f (rowid, title, excerpt, body) VALUES (new.id, new.title, new.excerpt, new.body); END"
        )
    started = time.perf_counter()
    for first in range(0, len(docs), group):
        db.execute("BEGIN")
        for doc in docs[first:first + group]:
            db.execute("INSERT INTO docs VALUES (?, ?, ?, ?)", doc)
            if not trigger:
                db.execute("INSERT INTO f (rowid, title, excerpt, body) VALUES (?, ?, ?, ?)", doc)
        db.execute("COMMIT")
    db.close()
    return (time.perf_counter() - started) / len(docs) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("database")
    parser.add_argument("--documents", type=int, default=3000)
    options = parser.parse_args()
    docs = documents(options.database, options.documents)
    print(f"SQLite {sqlite3.sqlite_version}, {len(docs)} documents,"
          f" {sum(len(d[3]) for d in docs) // len(docs)} characters of plaintext on average")
    with tempfile.TemporaryDirectory() as folder:
        for trigger in (True, False):
            for group in (1, 8, 64, len(docs)):
                way = "through a trigger" if trigger else "plain inserts"
                print(f"{way:>18}, {group:>5} a transaction: {index(docs, group, trigger, folder):.3f} ms a document")


if __name__ == "__main__":
    main()
