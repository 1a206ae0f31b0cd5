#!/usr/bin/env python3
"""The baseline: the straightforward way to load a COCO-captions file into
SQLite with Python's json and sqlite3 modules. It builds the same tables and
the same FTS5 full-text index as Tandem, so both end with the same database.
Usage: baseline_import.py captions.json out.db"""
import json
import sqlite3
import sys


def main():
    source, target = sys.argv[1], sys.argv[2]
    with open(source, encoding="utf-8") as f:
        doc = json.load(f)
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript("""
        CREATE TABLE images(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ext_id TEXT,
                            width INTEGER, height INTEGER);
        CREATE TABLE captions(id INTEGER PRIMARY KEY, image_id INTEGER NOT NULL REFERENCES images(id),
                              text TEXT NOT NULL, ext_id TEXT);
        CREATE INDEX captions_image ON captions(image_id);
        CREATE VIRTUAL TABLE search USING fts5(text, content='');
    """)
    with db:
        db.executemany("INSERT INTO images(id, name, ext_id, width, height) VALUES (?, ?, ?, ?, ?)",
                       ((im["id"], im["file_name"], str(im["id"]), im.get("width", 0), im.get("height", 0))
                        for im in doc["images"]))
        db.executemany("INSERT INTO captions(id, image_id, text, ext_id) VALUES (?, ?, ?, ?)",
                       ((a["id"], a["image_id"], a["caption"], str(a["id"])) for a in doc["annotations"]))
        db.execute("INSERT INTO search(rowid, text) SELECT id * 4, text FROM captions")
    db.close()


if __name__ == "__main__":
    main()
