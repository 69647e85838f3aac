"""Throwaway databases for tests that run `manage.py` in other processes (imports killed or
run side by side, backup and restore, SQLite locking).

Each scratch database is migrated once per test session and vendor (a template), then copied
for each test: a file copy on SQLite, `CREATE DATABASE ... TEMPLATE` on PostgreSQL. SQLite is
always available; PostgreSQL only when the suite runs against it (DATABASE_URL is postgres),
in the same cluster as the test databases. Everything made here is removed at the end.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith(("postgres://", "postgresql://"))
# The vendors a subprocess test runs on: SQLite always, PostgreSQL when the suite uses it.
VENDORS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not ON_POSTGRES, reason="the suite is not run on PostgreSQL"),
    ),
]

_names = itertools.count(1)
_templates: dict[str, str] = {}  # vendor -> template (SQLite file path or PostgreSQL name)
_template_dir: Path | None = None


def _postgres(dbname: str | None = None):
    """An autocommit connection to the suite's PostgreSQL cluster (for CREATE/DROP DATABASE)."""
    import psycopg

    url = POSTGRES_URL if dbname is None else _postgres_url(dbname)
    return psycopg.connect(url, autocommit=True)


def _postgres_url(dbname: str) -> str:
    parts = urlsplit(POSTGRES_URL)
    return urlunsplit(parts._replace(path=f"/{dbname}"))


def _unique(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_names)}"


def base_env(**overrides: str) -> dict[str, str]:
    """The environment of a `manage.py` subprocess: this suite's, unbuffered output."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "DJANGO_SETTINGS_MODULE": "hsitp_site.settings"}
    env.update(overrides)
    return env


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=base_env(DATABASE_URL=url),
        check=True,
        timeout=120,
    )


def _template(vendor: str, config) -> str:
    """The migrated template of `vendor`, made on first use and removed when the run ends."""
    global _template_dir
    if vendor in _templates:
        return _templates[vendor]
    if vendor == "sqlite":
        if _template_dir is None:
            _template_dir = Path(tempfile.mkdtemp(prefix="hsitp-scratch-"))
            config.add_cleanup(lambda: shutil.rmtree(_template_dir, ignore_errors=True))
        path = _template_dir / "template.sqlite3"
        _migrate(f"sqlite:///{path}")
        _templates[vendor] = str(path)
    else:
        name = _unique("hsitp_template")
        with _postgres() as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        config.add_cleanup(lambda: _drop_postgres(name))
        _migrate(_postgres_url(name))
        _templates[vendor] = name
    return _templates[vendor]


def _drop_postgres(name: str) -> None:
    """Drop a scratch database, also when a process of this suite is still connected to it.

    Not `DROP DATABASE ... WITH (FORCE)`: FORCE refuses to drop unless it may terminate every
    backend in the database, and an autovacuum worker (set off by the bulk writes here) has no
    role, so only a superuser or a member of pg_signal_backend may end it. A plain DROP DATABASE
    stops autovacuum workers itself and waits up to 5 s for other sessions to end, so first end
    only our own (e.g. of an import killed mid-query): any role may terminate its own sessions,
    so the CREATEDB that the README asks for is enough.
    """
    with _postgres() as connection:
        connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND usename = current_user AND pid <> pg_backend_pid()",
            (name,),
        )
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


@dataclass
class ScratchDatabase:
    """A migrated database of one vendor and its own media folder."""

    vendor: str
    url: str
    media: Path
    path: Path | None = None  # the SQLite file
    name: str = ""  # the PostgreSQL database

    def env(self, **overrides: str) -> dict[str, str]:
        return base_env(DATABASE_URL=self.url, DJANGO_MEDIA_ROOT=str(self.media), **overrides)

    def manage(self, *args: str, check: bool = True, timeout: float = 120, **env: str):
        """Run `manage.py ARGS` against this database; the completed process."""
        command = [sys.executable, "manage.py", *args]
        return self._run(command, f"manage.py {' '.join(args)}", check, timeout, **env)

    def _run(self, command: list[str], what: str, check: bool, timeout: float, **env: str):
        result = subprocess.run(
            command, cwd=ROOT, env=self.env(**env), capture_output=True, text=True, timeout=timeout
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{what} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def popen(self, *args: str, **env: str) -> subprocess.Popen:
        """Start `manage.py ARGS` in the background, output piped (text, line by line)."""
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )

    def python(self, code: str, *, check: bool = True, timeout: float = 120, **env: str):
        """Run Python `code` with Django set up against this database (and `env`)."""
        script = "import django\ndjango.setup()\n" + code
        return self._run([sys.executable, "-c", script], "python", check, timeout, **env)

    def dump(self, *labels: str) -> str:
        """dumpdata of `labels` (default: every table of every app), as JSON text."""
        return self.manage("dumpdata", *labels, "--indent", "1", timeout=180).stdout


class ScratchDatabases:
    """Makes scratch databases for one test and removes them after it."""

    def __init__(self, folder: Path, config):
        self.folder, self.config = folder, config
        self.made: list[ScratchDatabase] = []

    def new(self, vendor: str) -> ScratchDatabase:
        template = _template(vendor, self.config)
        label = f"db{len(self.made) + 1}"
        media = self.folder / f"{label}-media"
        media.mkdir(parents=True)
        if vendor == "sqlite":
            path = self.folder / f"{label}.sqlite3"
            shutil.copyfile(template, path)
            database = ScratchDatabase(vendor, f"sqlite:///{path}", media, path=path)
        else:
            name = _unique("hsitp_scratch")
            with _postgres() as connection:
                connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            database = ScratchDatabase(vendor, _postgres_url(name), media, name=name)
        self.made.append(database)
        return database

    def close(self) -> None:
        for database in self.made:
            if database.vendor == "postgresql":
                _drop_postgres(database.name)


def scratch_databases(tmp_path: Path, request):
    """A test's scratch databases, dropped after it. In a test module:

    @pytest.fixture
    def scratch(tmp_path, request):
        yield from scratch_databases(tmp_path, request)
    """
    databases = ScratchDatabases(tmp_path, request.config)
    try:
        yield databases
    finally:
        databases.close()
