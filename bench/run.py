#!/usr/bin/env python
"""The performance benchmark (bench/README.md): `make bench` or `make bench-quick`.

    python bench/run.py [--quick] [--out bench/results.json] [--skip http,import,search]

Runs against a throwaway PostgreSQL cluster (it restarts itself under
scripts/with-postgres.sh when DATABASE_URL is not PostgreSQL), with production settings
(DEBUG off, collected static files, the page cache as configured) plus a trivial view at
/bench/trivial/ (bench/urls.py). Prints a table and the PASS/FAIL of every target, and
writes the figures to bench/results.json. Every time figure is a ratio to the trivial view
measured in the same run, so results from different machines can be compared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = {
    "full": {
        "milestones": 10_000,
        "meetings": 2_000,
        "page_runs": 25,
        "cached_runs": 300,
        "trivial_runs": 1500,
        "wrk_seconds": 10,
        "import_sizes": [1_000, 2_000, 5_000, 10_000],
        "releases": 1_000,
        "search_milestones": 100_000,
        "search_runs": 20,
    },
    "quick": {
        "milestones": 2_000,
        "meetings": 400,
        "page_runs": 7,
        "cached_runs": 100,
        "trivial_runs": 400,
        "wrk_seconds": 2,
        "import_sizes": [500, 1_000, 2_000],
        "releases": 100,
        "search_milestones": 10_000,
        "search_runs": 5,
    },
}
TARGETS = {
    "ratio_cached": 1.5,
    "ratio_uncached": 8.0,
    "ratio_uncached_worst": 20.0,
    "growth": 1.25,  # ratio at the large size over the ratio with the curated data
    "editor_timeline": 20.0,
    "after_edit": 8.0,
    "http_home_cached_vs_trivial": 0.5,
    "import_10k_seconds": 10.0,
    "import_10k_mb": 300.0,
    "reimport_seconds": 3.0,
    "import_growth_exponent": 1.15,
    "search_p95_ms": 50.0,
}
TRIVIAL = "/bench/trivial/"
SEARCH_QUERIES = [
    "Lok Ma Chau Loop",
    "funding",
    "Legislative Council",
    "wet laboratory",
    '"site formation"',
    "footbridge",
    "innovation park -shenzhen",
    "Finance Committee cost estimates",
    "talent accommodation",
    "Northern Metropolis blueprint",
]


def say(message: str) -> None:
    print(message, flush=True)  # noqa: T201


# --- Environment and databases -------------------------------------------------------------


def ensure_postgres() -> None:
    """Restart under scripts/with-postgres.sh unless DATABASE_URL is PostgreSQL already."""
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return
    script = ROOT / "scripts" / "with-postgres.sh"
    if not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) and os.geteuid() == 0:
        say("Installing PostgreSQL (apt-get install -y postgresql) ...")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], env=env, check=False)
    say("Starting a throwaway PostgreSQL cluster (scripts/with-postgres.sh) ...")
    os.execvp("bash", ["bash", str(script), sys.executable, *sys.argv])


def ensure_wrk() -> str | None:
    """wrk from Debian's packages, installed when missing and we are root."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    say("Installing wrk (apt-get install -y wrk) ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    if subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], **quiet).returncode != 0:
        subprocess.run(["apt-get", "update", "-qq"], **quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], **quiet)
    return shutil.which("wrk")


def bench_environment(work: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-key-not-a-secret-0123456789abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SESSION_COOKIE_SECURE": "false",
        "DJANGO_SECURE_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_CACHE_DIR": str(work / "cache"),
        "DJANGO_CONN_MAX_AGE": "600",  # persistent connections, as a deployment should use
        "DJANGO_LOG_LEVEL": "ERROR",
        "DJANGO_CACHE_URL": "",
    }


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{name}"))


def admin_sql(*statements: str) -> None:
    """Run statements on the cluster's `postgres` database (CREATE/DROP DATABASE)."""
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def clone_database(template: str, name: str) -> str:
    admin_sql(
        f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}" TEMPLATE "{template}"'
    )
    return database_url(name)


def use_database(name: str) -> None:
    from django.db import connections

    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


# --- Requests through the WSGI handler ----------------------------------------------------


class Site:
    """The site's WSGI application, called directly: every middleware, no network."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        path_info, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()},
        }
        answer = {}

        def start_response(status, response_headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = dict(response_headers)

        result = self.handler(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return answer["status"], answer["headers"], body

    def time(self, path: str, runs: int) -> list[float]:
        """Seconds per request, `runs` times."""
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            status, _headers, _body = self.get(path)
            samples.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
        return samples

    def paired(self, path: str, runs: int) -> tuple[list[float], list[float]]:
        """`path` and the trivial view in turn, `runs` times each: (path's, trivial's)."""
        gc.collect()
        page, trivial = [], []
        for _ in range(runs):
            trivial += self.time(TRIVIAL, 1)
            page += self.time(path, 1)
        return page, trivial

    def queries(self, path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            status, _headers, _body = self.get(path)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        return len(context.captured_queries)


def pages_for(size: str) -> list[dict]:
    """One entry per public page type, with the path to measure at this size."""
    from django.db.models import Count

    from meetings.models import Meeting, Organization, Person
    from milestones.models import Milestone

    milestone = Milestone.objects.published().get(slug=CURATED_MILESTONE)
    meeting = Meeting.objects.published().order_by("pk").first()
    # At the large size, the busiest person and body: their pages list the most meetings.
    person = Person.objects.public().annotate(n=Count("attendances")).order_by("-n", "pk").first()
    organisation = (
        Organization.objects.public().annotate(n=Count("attendances")).order_by("-n", "pk").first()
    )
    year = milestone.year
    return [
        {"page": "home", "path": "/"},
        {"page": "timeline", "path": "/milestones/"},
        {"page": "timeline (zh-hant)", "path": "/zh-hant/milestones/"},
        {"page": "timeline year", "path": f"/milestones/?year={year}"},
        {"page": "timeline last page", "path": "/milestones/?page=last"},
        {"page": "milestone detail", "path": milestone.get_absolute_url()},
        {"page": "meetings list", "path": "/meetings/"},
        {"page": "meeting detail", "path": meeting.get_absolute_url()},
        {"page": "people list", "path": "/people/"},
        {"page": "person", "path": person.get_absolute_url()},
        {"page": "organisations list", "path": "/organisations/"},
        {"page": "organisation", "path": organisation.get_absolute_url()},
        {"page": "search", "path": "/search/?q=funding+Loop"},
        {"page": "feed milestones rss", "path": "/feeds/milestones/"},
        {"page": "feed milestones atom", "path": "/feeds/milestones/atom/"},
        {"page": "feed meetings rss", "path": "/feeds/meetings/"},
        {"page": "feed meetings atom", "path": "/feeds/meetings/atom/"},
        {"page": "sitemap", "path": "/sitemap.xml"},
        {"page": "api index", "path": "/api/"},
        {"page": "api milestones", "path": "/api/milestones/"},
        {"page": "api meetings", "path": "/api/meetings/"},
        {"page": "csv milestones", "path": "/api/milestones.csv", "dump": True},
        {"page": "csv meetings", "path": "/api/meetings.csv", "dump": True},
        {"page": "timeline.json", "path": "/api/timeline.json", "dump": True},
        {"page": "calendar", "path": "/meetings.ics", "dump": True},
    ]


CURATED_MILESTONE = None  # set once the curated fixtures are loaded


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_pages(site: Site, profile: dict, small: dict, trivial: list[float]):
    from django.conf import settings
    from django.core.cache import caches

    pages = pages_for("large")
    for entry in pages:
        path = entry["path"]
        entry["path_small"] = entry.pop("small_path", None) or small["paths"][entry["page"]]
        settings.PAGE_CACHE_SECONDS = 0
        entry["queries_small"] = small["queries"][entry["page"]]
        entry["queries_large"] = site.queries(path)
        entry["ratio_uncached_small"] = small["ratio"][entry["page"]]
        runs = max(3, profile["page_runs"] // (3 if entry.get("dump") else 1))
        site.get(path)  # warm: templates compiled, connection open, fragments cached
        uncached = site.time(path, runs)
        cold = []
        for _ in range(runs):  # ...and with no fragment cached either (just after a restart)
            caches[settings.FRAGMENT_CACHE_ALIAS].clear()
            cold += site.time(path, 1)
        entry["median_ms_cold"] = round(median_ms(cold), 2)
        settings.PAGE_CACHE_SECONDS = 3600
        site.get(path)  # fills the cache
        status, headers, _ = site.get(path)
        if headers.get("X-Page-Cache") != "hit":
            raise RuntimeError(f"{path} was not served from the page cache")
        cached, beside = site.paired(path, profile["cached_runs"])
        trivial += beside
        base = statistics.median(trivial)
        entry["median_ms_large"] = round(median_ms(uncached), 2)
        entry["median_ms_cached"] = round(median_ms(cached), 3)
        entry["ratio_uncached"] = round(statistics.median(uncached) / base, 2)
        # Against the trivial requests made in turn with these: the same conditions.
        entry["ratio_cached"] = round(statistics.median(cached) / statistics.median(beside), 2)
        entry["bytes"] = len(site.get(path)[2])
        say(
            f"  {entry['page']:<22} {entry['queries_small']:>3} {entry['queries_large']:>3} "
            f"{entry['median_ms_large']:>9.2f} ms  x{entry['ratio_uncached']:<7} "
            f"(small x{entry['ratio_uncached_small']}, cold {entry['median_ms_cold']} ms) "
            f"cached x{entry['ratio_cached']}"
        )
    return pages


def measure_database(profile: dict, profile_name: str) -> dict:
    """Every page at the seed size and at the large size, on the database Django is set up
    with (migrated and empty): queries, uncached and cached ratios, a signed-in editor's
    pages and the first request after an edit. Returns the figures."""
    global CURATED_MILESTONE
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from milestones.models import Milestone
    from operations.synthetic import generate_history

    call_command(
        "loaddata",
        str(ROOT / "milestones/fixtures/curated_milestones.json"),
        str(ROOT / "meetings/fixtures/curated_meetings.json"),
        verbosity=0,
    )
    CURATED_MILESTONE = Milestone.objects.published().order_by("sort_key")[12].slug
    site = Site()
    settings.PAGE_CACHE_SECONDS = 0
    site.get(TRIVIAL)
    trivial = site.time(TRIVIAL, profile["trivial_runs"])
    small = measure_small(site, profile, trivial)
    say(
        f"  generate_history --milestones {profile['milestones']} "
        f"--meetings {profile['meetings']} ..."
    )
    t = time.perf_counter()
    made = generate_history(milestones=profile["milestones"], meetings=profile["meetings"])
    generated_seconds = round(time.perf_counter() - t, 2)
    say(f"  {made.summary()} in {generated_seconds} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    large_trivial = site.time(TRIVIAL, profile["trivial_runs"])
    pages = measure_pages(site, profile, small, large_trivial)
    large_trivial += site.time(TRIVIAL, profile["trivial_runs"])
    # Uncached ratios against the trivial time over the whole run (before, during, after).
    base = statistics.median(large_trivial)
    for entry in pages:
        entry["ratio_uncached"] = round(entry["median_ms_large"] / 1000 / base, 2)
        entry["ratio_cold"] = round(entry["median_ms_cold"] / 1000 / base, 2)
        entry["growth"] = round(entry["ratio_uncached"] / entry["ratio_uncached_small"], 2)
    return {
        "sizes": {
            "small": {"milestones": small["milestones"], "meetings": small["meetings"]},
            "large": {**made.__dict__},
        },
        "generate_history_seconds": generated_seconds,
        "trivial_ms": round(median_ms(large_trivial), 4),
        "trivial_ms_small": round(median_ms(trivial), 4),
        "pages": pages,
        "editor": measure_editor(site, profile, base),
        "after_edit": measure_after_edit(site, profile, base),
    }


def measure_small(site: Site, profile: dict, trivial: list[float]) -> dict:
    """The pages with the curated data only: queries, and the uncached ratio."""
    from meetings.models import Meeting
    from milestones.models import Milestone

    base = statistics.median(trivial)
    small = {
        "queries": {},
        "paths": {},
        "ratio": {},
        "milestones": Milestone.objects.published().count(),
        "meetings": Meeting.objects.published().count(),
    }
    for entry in pages_for("small"):
        page, path = entry["page"], entry["path"]
        small["paths"][page] = path
        site.get(path)  # warm: what a process asks once (SQLite's index of texts) is asked
        small["queries"][page] = site.queries(path)
        runs = max(3, profile["page_runs"] // (3 if entry.get("dump") else 1))
        small["ratio"][page] = round(statistics.median(site.time(path, runs)) / base, 2)
    return small


def editor_cookie() -> str:
    """A signed-in Editor's session cookie (an account made for the benchmark)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from publishing.roles import EDITOR

    user, _ = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=EDITOR))
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return f"sessionid={client.cookies['sessionid'].value}"


def measure_editor(site: Site, profile: dict, base: float) -> list[dict]:
    """What a signed-in editor waits for: the page cache never serves them."""
    from django.conf import settings

    settings.PAGE_CACHE_SECONDS = 3600  # on, as on the site: an editor still bypasses it
    headers = {"Cookie": editor_cookie()}
    milestone = next(p["path"] for p in pages_for("large") if p["page"] == "milestone detail")
    figures = []
    for page, path in (("editor timeline", "/milestones/"), ("editor milestone", milestone)):
        site.get(path, headers)
        samples = []
        for _ in range(profile["page_runs"]):
            started = time.perf_counter()
            status, response_headers, _body = site.get(path, headers)
            samples.append(time.perf_counter() - started)
            if status != 200 or response_headers.get("X-Page-Cache") == "hit":
                raise RuntimeError(f"{path}: HTTP {status} for the editor, or a cached page")
        ratio = round(statistics.median(samples) / base, 2)
        figures.append(
            {"page": page, "path": path, "median_ms": round(median_ms(samples), 2), "ratio": ratio}
        )
        say(f"  {page:<22} {figures[-1]['median_ms']:>9.2f} ms  x{ratio}")
    return figures


def measure_after_edit(site: Site, profile: dict, base: float) -> list[dict]:
    """The first reader after an editor saved one milestone (its title): the page cache on.
    The pages that read the milestones' table are dropped by the save and rendered afresh
    once each (`dropped`); the meetings' and people's lists, which do not read it, are
    kept, and served from the cache (`kept`: a miss there is an error)."""
    from django.conf import settings

    from milestones.models import Milestone

    settings.PAGE_CACHE_SECONDS = 3600
    milestone = Milestone.objects.published().get(slug=CURATED_MILESTONE)
    title = milestone.title
    paths = {
        "timeline": "/milestones/",
        "home": "/",
        "the milestone edited": milestone.get_absolute_url(),
        "another milestone": Milestone.objects.published()
        .exclude(pk=milestone.pk)
        .order_by("sort_key")
        .first()
        .get_absolute_url(),
    }
    kept = {"meetings list (kept)": "/meetings/", "people list (kept)": "/people/"}
    samples: dict[str, list[float]] = {page: [] for page in [*paths, *kept]}
    for path in [*paths.values(), *kept.values()]:
        site.get(path)
    for run in range(profile["page_runs"]):
        milestone.title = f"{title} ({run % 2})"
        milestone.save()
        for page, path in [*paths.items(), *kept.items()]:
            started = time.perf_counter()
            status, headers, _body = site.get(path)
            samples[page].append(time.perf_counter() - started)
            hit = headers.get("X-Page-Cache") == "hit"
            if status != 200 or hit != (page in kept):
                raise RuntimeError(f"{path} after an edit: HTTP {status}, cache hit: {hit}")
    milestone.title = title
    milestone.save()
    figures = []
    for page, path in [*paths.items(), *kept.items()]:
        ratio = round(statistics.median(samples[page]) / base, 2)
        figures.append(
            {
                "page": page,
                "path": path,
                "median_ms": round(median_ms(samples[page]), 2),
                "ratio": ratio,
                "dropped": page in paths,
            }
        )
        say(f"  after an edit: {page:<22} {figures[-1]['median_ms']:>9.2f} ms  x{ratio}")
    return figures


def measure_sqlite(profile_name: str, env: dict, work: Path) -> dict:
    """measure_database() on SQLite, in a process of its own (Django sets up one database),
    then search at the large size there."""
    out = work / "sqlite.json"
    sqlite_env = {**env, "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}"}
    command = [sys.executable, str(Path(__file__)), "--sqlite-pages", str(out)]
    if profile_name == "quick":
        command.append("--quick")
    subprocess.run(command, env=sqlite_env, check=True)
    return json.loads(out.read_text())


def sqlite_pages(profile_name: str, out: str) -> None:
    """The child process of measure_sqlite()."""
    import django

    django.setup()
    from django.core.management import call_command

    profile = PROFILES[profile_name]
    call_command("migrate", verbosity=0)
    figures = measure_database(profile, profile_name)
    figures["database"] = "SQLite"
    say(f"  search at {profile['milestones']:,} milestones (SQLite) ...")
    figures["search"] = search_figures(Site(), profile["search_runs"])
    figures["search"].update(milestones=figures["sizes"]["large"]["milestones"], database="SQLite")
    Path(out).write_text(json.dumps(figures, ensure_ascii=False))


# --- HTTP with gunicorn and wrk ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "hsitp_site.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/trivial/", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(wrk: str, url: str, seconds: int) -> dict:
    command = [wrk, "-t2", "-c20", f"-d{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": round(rps, 1),
        "p99_ms": round(float(value) * _UNITS[unit], 2),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def measure_http(wrk: str, env: dict, profile: dict, static_path: str) -> dict:
    results = {}
    for label, seconds_setting in (("cached", "3600"), ("uncached", "0")):
        port = free_port()
        server = start_gunicorn({**env, "DJANGO_PAGE_CACHE_SECONDS": seconds_setting}, port)
        try:
            targets = [("trivial", "/bench/trivial/"), ("home", "/"), ("timeline", "/milestones/")]
            if label == "cached":
                targets.insert(1, ("static", static_path))
            for name, path in targets:
                url = f"http://127.0.0.1:{port}{path}"
                for _ in range(4):  # warm both workers (and their caches)
                    urllib.request.urlopen(url, timeout=30).read()
                figures = run_wrk(wrk, url, profile["wrk_seconds"])
                key = name if name in ("trivial", "static") and label == "cached" else None
                results[key or f"{name}_{label}"] = {"path": path, **figures}
                say(
                    f"  {key or name + '_' + label:<18} {figures['rps']:>9.1f} req/s  p99 "
                    f"{figures['p99_ms']:>8.2f} ms  non-2xx {figures['non_2xx']}"
                )
        finally:
            stop(server)
    return results


# --- Imports -------------------------------------------------------------------------------


DATE_FORMATS = ["on {d.day} {d:%b} {d.year}", "in {d:%B} {d.year}", "in {d.year}"]


def write_timeline(path: Path, paragraphs: int, seed: int) -> None:
    from operations.synthetic import _details, _sentence

    rng = random.Random(seed)
    lines = []
    for number in range(paragraphs):
        sentence = _sentence(rng)[:-1]
        day = dt.date(1990, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
        if rng.random() < 0.85:
            sentence += " " + rng.choice(DATE_FORMATS).format(d=day)
        lines.append(f"{sentence} (item {seed}-{number}). {_details(rng, rng.randint(0, 2))}")
    path.write_text("\n".join(line.strip() for line in lines) + "\n", encoding="utf-8")


SERIES_NAMES = ["Joint Task Force", "Joint Working Group", "Joint Steering Group"]


def write_releases(folder: Path, count: int, seed: int) -> None:
    """`count` press releases like the seed's, each a different meeting of the same series,
    with people drawn from a pool (so they are reused), and a sources.csv with their dates."""
    from django.contrib.humanize.templatetags.humanize import ordinal  # 1st, 2nd, 11th

    rng = random.Random(seed)
    template = (ROOT / "seeds" / "001_91d1b2786c42947a.txt").read_text(encoding="utf-8")
    surnames = ("Chan", "Wong", "Lee", "Sun", "Luo", "Mak", "Ho", "Yip")
    given = ("Dong", "Huanghao", "Eddie", "Ka-ming", "Siu-fai", "Wing", "Lok")
    people = [f"{a} {b}" for a in surnames for b in given]
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["document,published_on,url,language"]
    for number in range(1, count + 1):
        day = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(25 * 365))
        chair_hk, chair_sz, secretary = rng.sample(people, 3)
        # Numbers up to 999 (as releases write them), then the next series.
        series, nth = divmod(number - 1, 999)
        text = (
            template.replace("Joint Task Force", SERIES_NAMES[series % len(SERIES_NAMES)])
            .replace("11th meeting", f"{ordinal(nth + 1)} meeting")
            .replace("August 30", f"{day:%B} {day.day}")
            .replace("Sun Dong", "\x01")
            .replace("Professor Sun said", "Professor \x02 said")
            .replace("said Professor Sun", "said Professor \x02")
            .replace("Luo Huanghao", "\x03")
            .replace("Eddie Mak", "\x04")
            .replace("\x01", chair_hk)
            .replace("\x02", chair_hk.split()[0])
            .replace("\x03", chair_sz)
            .replace("\x04", secretary)
        )
        name = f"release_{number:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        rows.append(f"{name},{day.isoformat()},,en")
    (folder / "sources.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def timed_import(url: str, path: Path, env: dict) -> dict:
    """`import_seeds PATH` in a fresh process: seconds and peak memory (max RSS)."""
    command = [sys.executable, str(Path(__file__)), "--import-one", str(path)]
    done = subprocess.run(
        command, cwd=ROOT, env={**env, "DATABASE_URL": url}, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"import of {path} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_memory_mb() -> float:
    """This process's peak resident memory. (Not ru_maxrss: Linux carries it over from the
    parent across fork and exec, so a child started by a large process reports the parent's.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_one(path: str) -> None:
    """In the child process: import and report (JSON on the last line of output)."""
    import django

    django.setup()
    from importing.runner import import_seeds

    started = time.perf_counter()
    report = import_seeds([path])
    seconds = time.perf_counter() - started
    peak_mb = peak_memory_mb()
    print(  # noqa: T201
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "peak_mb": round(peak_mb, 1),
                "created": report.created,
                "unchanged": report.unchanged,
            }
        )
    )


def growth_exponent(points: list[tuple[int, float]]) -> float:
    """Slope of log(time) against log(size): 1 is linear, 2 quadratic."""
    xs = [math.log(size) for size, _ in points]
    ys = [math.log(max(seconds, 1e-6)) for _, seconds in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def measure_imports(profile: dict, env: dict, work: Path) -> dict:
    results = {"timeline": [], "releases": {}}
    for size in profile["import_sizes"]:
        path = work / f"timeline_{size}.txt"
        write_timeline(path, size, seed=size)
        url = clone_database("bench_empty", "bench_import")
        first = timed_import(url, path, env)
        again = timed_import(url, path, env)
        assert first["created"] > 0.95 * size and again["created"] == 0, (first, again)
        results["timeline"].append(
            {
                "paragraphs": size,
                "seconds": first["seconds"],
                "peak_mb": first["peak_mb"],
                "ms_per_paragraph": round(1000 * first["seconds"] / size, 3),
                "reimport_seconds": again["seconds"],
                "reimport_peak_mb": again["peak_mb"],
            }
        )
        say(
            f"  timeline {size:>6} paragraphs: {first['seconds']:>7.2f} s "
            f"{first['peak_mb']:>6.1f} MB; unchanged re-import {again['seconds']:.2f} s"
        )
    points = [(row["paragraphs"], row["seconds"]) for row in results["timeline"]]
    results["timeline_growth_exponent"] = round(growth_exponent(points), 3)
    largest = results["timeline"][-1]
    scale = 10_000 / largest["paragraphs"]
    results["timeline_10k_seconds"] = round(largest["seconds"] * scale, 2)
    results["timeline_10k_extrapolated"] = scale != 1
    folder = work / "releases"
    write_releases(folder, profile["releases"], seed=7)
    url = clone_database("bench_empty", "bench_import")
    first = timed_import(url, folder, env)
    again = timed_import(url, folder, env)
    results["releases"] = {
        "count": profile["releases"],
        "seconds": first["seconds"],
        "peak_mb": first["peak_mb"],
        "ms_per_release": round(1000 * first["seconds"] / profile["releases"], 2),
        "reimport_seconds": again["seconds"],
        "created": first["created"],
    }
    say(
        f"  {profile['releases']} press releases: {first['seconds']:.2f} s "
        f"{first['peak_mb']:.1f} MB; unchanged re-import {again['seconds']:.2f} s"
    )
    return results


# --- Search --------------------------------------------------------------------------------


def measure_search(site: Site, profile: dict) -> dict:
    from operations.synthetic import generate_history

    clone_database("bench_empty", "bench_search")
    use_database("bench_search")
    started = time.perf_counter()
    made = generate_history(milestones=profile["search_milestones"], meetings=200, seed=11)
    say(f"  generated {made.summary()} in {time.perf_counter() - started:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    figures = search_figures(site, profile["search_runs"])
    use_database(os.environ["BENCH_DB_NAME"])
    return {"milestones": profile["search_milestones"], "database": "PostgreSQL", **figures}


def search_figures(site: Site, runs: int) -> dict:
    """The search page (page cache off) for each of SEARCH_QUERIES, `runs` times each."""
    from django.conf import settings

    settings.PAGE_CACHE_SECONDS = 0
    per_query = {}
    samples = []
    for query in SEARCH_QUERIES:
        path = "/search/?" + urllib.parse.urlencode({"q": query})
        site.get(path)
        times = site.time(path, runs)
        samples += times
        per_query[query] = round(median_ms(times), 2)
        say(f"  {query!r:<36} {per_query[query]:>8.2f} ms")
    samples.sort()
    p95 = samples[min(len(samples) - 1, math.ceil(0.95 * len(samples)) - 1)]
    return {
        "queries": per_query,
        "median_ms": round(median_ms(samples), 2),
        "p95_ms": round(p95 * 1000, 2),
        "runs_per_query": runs,
    }


# --- Report --------------------------------------------------------------------------------


def check(results: dict, quick: bool) -> list[tuple[str, bool, str]]:
    """(target, met, figures) for every target."""
    checks = []
    for database, figures in (("PostgreSQL", results), ("SQLite", results.get("sqlite"))):
        if figures and figures.get("pages"):
            checks += page_checks(database, figures)
    http = results.get("http")
    if http:
        share = http["home_cached"]["rps"] / http["trivial"]["rps"]
        checks.append(
            (
                "cached home rps >= 0.5 x trivial rps",
                share >= TARGETS["http_home_cached_vs_trivial"],
                f"{http['home_cached']['rps']:.0f} vs {http['trivial']['rps']:.0f} ({share:.2f})",
            )
        )
    imports = results.get("import")
    if imports:
        largest = imports["timeline"][-1]
        note = (
            f" (extrapolated from {largest['paragraphs']})"
            if imports["timeline_10k_extrapolated"]
            else ""
        )
        checks.append(
            (
                "import growth linear (exponent <= 1.15)",
                imports["timeline_growth_exponent"] <= TARGETS["import_growth_exponent"],
                f"exponent {imports['timeline_growth_exponent']}",
            )
        )
        checks.append(
            (
                "10,000 paragraphs < 10 s",
                imports["timeline_10k_seconds"] < TARGETS["import_10k_seconds"],
                f"{imports['timeline_10k_seconds']} s{note}",
            )
        )
        checks.append(
            (
                "import peak memory < 300 MB",
                largest["peak_mb"] < TARGETS["import_10k_mb"],
                f"{largest['peak_mb']} MB at {largest['paragraphs']} paragraphs",
            )
        )
        reimport = max(largest["reimport_seconds"], imports["releases"]["reimport_seconds"])
        checks.append(
            (
                "unchanged re-import < 3 s",
                reimport < TARGETS["reimport_seconds"],
                f"timeline {largest['reimport_seconds']} s, releases "
                f"{imports['releases']['reimport_seconds']} s",
            )
        )
    for search in (results.get("search"), (results.get("sqlite") or {}).get("search")):
        if search:
            checks.append(
                (
                    f"search p95 < 50 ms ({search['database']})",
                    search["p95_ms"] < TARGETS["search_p95_ms"],
                    f"p95 {search['p95_ms']} ms at {search['milestones']} milestones"
                    + (" (quick: fewer than the full run's)" if quick else ""),
                )
            )
    return checks


def _over(entries, field: str, limit: float) -> list[str]:
    return [f"{e['page']} x{e[field]}" for e in entries if e[field] > limit]


def page_checks(database: str, figures: dict) -> list[tuple[str, bool, str]]:
    """The page targets on one database. Full exports (CSVs, timeline.json, the calendar)
    hold the whole history by definition: only their cached ratio is held to a target."""
    pages = figures["pages"]
    rendered = [p for p in pages if not p.get("dump")]
    html = [p for p in rendered if not p["path"].startswith("/api/")]
    api = [p for p in rendered if p["path"].startswith("/api/")]
    checks = []

    def target(name, failures, met_text="all"):
        checks.append((f"{name} ({database})", not failures, ", ".join(failures) or met_text))

    target(  # no N+1 (a page may ask less: the timeline's last page, with no dated year)
        "queries_large <= queries_small",
        [p["page"] for p in pages if p["queries_large"] > p["queries_small"]],
    )
    target(
        f"growth <= {TARGETS['growth']}",
        [f"{p['page']} x{p['growth']}" for p in rendered if p["growth"] > TARGETS["growth"]],
    )
    timeline = [e for e in figures.get("editor", []) if e["page"] == "editor timeline"]
    limits = [  # (target, entries, field, limit)
        ("HTML ratio_uncached", html, "ratio_uncached", TARGETS["ratio_uncached"]),
        ("every HTML page ratio_uncached", html, "ratio_uncached", TARGETS["ratio_uncached_worst"]),
        ("JSON lists ratio_uncached", api, "ratio_uncached", TARGETS["ratio_uncached"]),
        ("ratio_cached", pages, "ratio_cached", TARGETS["ratio_cached"]),
        ("editor timeline", timeline, "ratio", TARGETS["editor_timeline"]),
        (
            "first request after an edit (pages it dropped)",
            [e for e in figures.get("after_edit", []) if e.get("dropped", True)],
            "ratio",
            TARGETS["after_edit"],
        ),
    ]
    for name, entries, field, limit in limits:
        target(f"{name} <= {limit}", _over(entries, field, limit))
    return checks


def print_pages(database: str, figures: dict) -> None:
    say(f"{database}: trivial view {figures['trivial_ms']:.3f} ms; sizes {figures['sizes']}")
    header = (
        f"{'page':<22} {'q small':>7} {'q large':>7} {'ratio small':>11} {'ratio large':>11} "
        f"{'growth':>6} {'ms large':>9} {'ms cold':>8} {'ratio cached':>12}"
    )
    say(header)
    say("-" * len(header))
    for p in figures["pages"]:
        say(
            f"{p['page']:<22} {p['queries_small']:>7} {p['queries_large']:>7} "
            f"{p['ratio_uncached_small']:>11.2f} {p['ratio_uncached']:>11.2f} {p['growth']:>6.2f} "
            f"{p['median_ms_large']:>9.2f} {p['median_ms_cold']:>8.2f} {p['ratio_cached']:>12.2f}"
        )
    for entry in figures.get("editor", []) + figures.get("after_edit", []):
        label = (
            entry["page"]
            if entry in figures.get("editor", [])
            else f"after an edit: {entry['page']}"
        )
        say(f"{label:<44} {entry['median_ms']:>9.2f} ms  x{entry['ratio']}")
    say("")


def print_table(results: dict, checks) -> None:
    say("")
    say(f"Benchmark {results['profile']} on {results['machine']['description']}")
    say(f"trivial view: {results['trivial_ms']:.3f} ms (median, in process)")
    say("")
    for database, figures in (("PostgreSQL", results), ("SQLite", results.get("sqlite"))):
        if figures and figures.get("pages"):
            print_pages(database, figures)
    if results.get("http"):
        say("")
        say(f"{'http (gunicorn -w 2, wrk -t2 -c20)':<36} {'req/s':>9} {'p99 ms':>9}")
        for name, figures in results["http"].items():
            say(f"{name:<36} {figures['rps']:>9.1f} {figures['p99_ms']:>9.2f}")
    if results.get("import"):
        say("")
        say(f"{'import':<36} {'seconds':>9} {'peak MB':>9} {'re-import s':>12}")
        for row in results["import"]["timeline"]:
            say(
                f"{'timeline ' + format(row['paragraphs'], ',') + ' paragraphs':<36} "
                f"{row['seconds']:>9.2f} {row['peak_mb']:>9.1f} {row['reimport_seconds']:>12.2f}"
            )
        rel = results["import"]["releases"]
        say(
            f"{format(rel['count'], ',') + ' press releases':<36} {rel['seconds']:>9.2f} "
            f"{rel['peak_mb']:>9.1f} {rel['reimport_seconds']:>12.2f}"
        )
    if results.get("search"):
        s = results["search"]
        say("")
        say(
            f"search at {s['milestones']:,} milestones (PostgreSQL): median {s['median_ms']} ms, "
            f"p95 {s['p95_ms']} ms"
        )
    say("")
    say("Targets")
    for name, met, figures in checks:
        say(f"  {'PASS' if met else 'FAIL'}  {name:<42} {figures}")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    description = (
        f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GB, Python {platform.python_version()}"
    )
    return {
        "description": description,
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_gb),
    }


# --- Main ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes, under two minutes.")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--skip", default="", help="Comma-separated: sqlite,http,import,search")
    parser.add_argument("--import-one", help=argparse.SUPPRESS)
    parser.add_argument("--sqlite-pages", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_one:
        import_one(args.import_one)
        return 0
    if args.sqlite_pages:
        sqlite_pages("quick" if args.quick else "full", args.sqlite_pages)
        return 0

    ensure_postgres()
    skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    profile_name = "quick" if args.quick else "full"
    profile = PROFILES[profile_name]
    started = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="hsitp-bench-"))
    env = {**os.environ, **bench_environment(work)}
    os.environ.update(env)
    os.environ["BENCH_DB_NAME"] = urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
    try:
        return run(profile_name, profile, skip, work, env, args.out, started)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(profile_name, profile, skip, work, env, out, started) -> int:
    import django

    django.setup()
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command
    from django.db import connection

    say(f"[{profile_name}] migrate, collectstatic, curated data ...")
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    if shutil.which("msgfmt"):  # the Chinese pages' translations, as `make run` has them
        call_command("compilemessages", verbosity=0, ignore_patterns=[".venv", "node_modules"])
    connection.close()
    admin_sql(
        'DROP DATABASE IF EXISTS "bench_empty"',
        f'CREATE DATABASE "bench_empty" TEMPLATE "{os.environ["BENCH_DB_NAME"]}"',
    )
    results = {
        "profile": profile_name,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "database": f"PostgreSQL {connection.pg_version // 10000}",
    }
    say(f"[{profile_name}] PostgreSQL: pages (in process, through every middleware) ...")
    results.update(measure_database(profile, profile_name))
    site = Site()
    if "sqlite" not in skip:
        say(f"[{profile_name}] SQLite: the same, in a fresh process and database ...")
        results["sqlite"] = measure_sqlite(profile_name, env, work)

    if "http" not in skip:
        wrk = ensure_wrk()
        if wrk:
            say(f"[{profile_name}] HTTP: gunicorn -w 2 on 127.0.0.1, wrk -t2 -c20 ...")
            static_path = staticfiles_storage.url("css/site.css")
            connection.close()
            results["http"] = measure_http(wrk, env, profile, static_path)
        else:
            say("  wrk is not installed and cannot be (not root): HTTP figures skipped")
    if "import" not in skip:
        say(f"[{profile_name}] imports (each in a fresh process and database) ...")
        results["import"] = measure_imports(profile, env, work)
    if "search" not in skip:
        say(f"[{profile_name}] search at {profile['search_milestones']:,} milestones ...")
        results["search"] = measure_search(site, profile)

    results["seconds"] = round(time.perf_counter() - started, 1)
    checks = check(results, profile_name == "quick")
    results["targets"] = [{"target": n, "met": m, "figures": f} for n, m, f in checks]
    Path(out).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results, checks)
    say(f"\nWrote {out} in {results['seconds']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
