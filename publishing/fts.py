"""SQLite's full-text index of a table's texts, for substring search (search/backends.py).

On SQLite, search finds a term as a case-insensitive substring of any searched text; with
LIKE that reads every row (25 ms for a term at 10,000 milestones). An FTS5 table with the
trigram tokenizer answers the same question from an index: every substring of three
characters or more, in any script (Chinese included), without case. It holds no copy of the
texts (an "external content" table over the model's own table) and triggers keep it in step
with every insert, update and delete, whatever writes them (the ORM, bulk_create, loaddata,
raw SQL).

`ensure_fts(connection, table, columns)` makes the index, or makes it again when its
columns are not `columns` or a trigger is missing (Django's SQLite migrations rebuild a
table to alter it, and the rebuilt table has no triggers): the search app calls it after
every `migrate` (post_migrate), with the columns search looks in. On PostgreSQL (full-text
search with its own index) and where SQLite lacks FTS5 it does nothing, and search reads
the texts as before.
"""

from __future__ import annotations

import functools
import sqlite3
from contextlib import closing

MIN_TERM = 3  # the trigram tokenizer finds substrings of three characters or more


def fts_table(table: str) -> str:
    return f"{table}_fts"


# (database alias, table) -> the columns of its full-text index, () for none: asked once
# a process (ensure_fts forgets what it changes).
_indexed: dict[tuple[str, str], tuple[str, ...]] = {}


def indexed_columns(connection, table: str) -> tuple[str, ...]:
    """The columns `table`'s full-text index holds (none: no index)."""
    key = (connection.alias, table)
    if key not in _indexed:
        columns: tuple[str, ...] = ()
        if fts_available(connection):
            with connection.cursor() as cursor:
                cursor.execute(f'PRAGMA table_info("{fts_table(table)}")')
                columns = tuple(row[1] for row in cursor.fetchall())
        _indexed[key] = columns
    return _indexed[key]


def fts_available(connection) -> bool:
    """Whether `connection` is SQLite 3.34 or later (the trigram tokenizer) with FTS5 compiled
    in, as Debian's and Python's are."""
    return connection.vendor == "sqlite" and _sqlite_has_fts5()


TRIGRAM_SINCE = (3, 34)  # SQLite's first release with the trigram tokenizer


@functools.cache
def _sqlite_has_fts5() -> bool:
    if sqlite3.sqlite_version_info < TRIGRAM_SINCE:
        return False
    with closing(sqlite3.connect(":memory:")) as probe:  # the library Django's SQLite uses
        options = {option for (option,) in probe.execute("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def _create_statements(table: str, columns: list[str]) -> list[str]:
    fts = fts_table(table)
    names = ", ".join(f'"{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    delete = f'INSERT INTO "{fts}"("{fts}", rowid, {names}) VALUES (\'delete\', old.id, {old});'
    insert = f'INSERT INTO "{fts}"(rowid, {names}) VALUES (new.id, {new});'
    return [
        f'CREATE VIRTUAL TABLE "{fts}" USING fts5({names}, content="{table}", '
        f"content_rowid=\"id\", tokenize='trigram')",
        f'CREATE TRIGGER "{fts}_insert" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER "{fts}_delete" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER "{fts}_update" AFTER UPDATE OF {names} ON "{table}" '
        f"BEGIN {delete} {insert} END",
        f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')',
    ]


def _drop_statements(table: str) -> list[str]:
    fts = fts_table(table)
    return [
        *(f'DROP TRIGGER IF EXISTS "{fts}_{event}"' for event in ("insert", "delete", "update")),
        f'DROP TABLE IF EXISTS "{fts}"',
    ]


def ensure_fts(connection, table: str, columns: list[str]) -> bool:
    """The index of `columns` of `table`, made (and filled) unless it is there and whole;
    whether it had to be."""
    if not fts_available(connection):
        return False
    fts = fts_table(table)
    _indexed.pop((connection.alias, table), None)
    with connection.cursor() as cursor:
        cursor.execute(f'PRAGMA table_info("{table}")')
        if not set(columns) <= {row[1] for row in cursor.fetchall()}:
            # The table is gone or not yet whole (an app migrated back): no index of it.
            for statement in _drop_statements(table):
                cursor.execute(statement)
            return False
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
        )
        triggers = {name for (name,) in cursor.fetchall()}
        cursor.execute(f'PRAGMA table_info("{fts}")')
        present = [row[1] for row in cursor.fetchall()]
        wanted = {f"{fts}_{event}" for event in ("insert", "delete", "update")}
        if present == list(columns) and wanted <= triggers:
            return False
        for statement in [*_drop_statements(table), *_create_statements(table, columns)]:
            cursor.execute(statement)
    return True


def fts_phrase(term: str) -> str:
    """`term` as an FTS5 phrase: the characters as they are, quotes doubled."""
    return '"' + term.replace('"', '""') + '"'
