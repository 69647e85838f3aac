"""Several servers, one truth: two gunicorn servers on one database and one Redis.

Each server has its own memory and its own DJANGO_CACHE_DIR, as two machines would; they
share the database (PostgreSQL when the suite runs on it, else an SQLite file) and a Redis
of this test's own. A change made anywhere (here through `manage.py`, a third process) is
seen through both servers on the next request: no stale page, feed, API answer or
calendar; a login on one is valid on the other, a lockout holds on both."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
import requests

from tests.redis_server import free_port, redis_server  # noqa: F401  (a fixture)
from tests.scratch_db import ON_POSTGRES, ROOT, scratch_databases

SLUG = "land-handed-over"
SEED = f"""
from tests.factories import make_attendance, make_meeting, make_milestone, make_person, make_user
make_milestone(title="Land handed over", slug="{SLUG}")
make_milestone(title="Memorandum signed", slug="memorandum-signed")
meeting = make_meeting(title="11th meeting", slug="11th-meeting")
make_attendance(meeting, person=make_person(name="Sun Dong", slug="sun-dong"))
make_user("editor", username="edith")
"""


@pytest.fixture
def database(tmp_path, request):
    for databases in scratch_databases(tmp_path, request):
        database = databases.new("postgresql" if ON_POSTGRES else "sqlite")
        database.python(SEED)
        yield database


class Server:
    """gunicorn serving the site on 127.0.0.1, with its own cache folder."""

    def __init__(self, database, redis_url: str, folder):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True)
        self.log = folder / "gunicorn.log"
        env = database.env(
            DJANGO_CACHE_URL=redis_url,
            DJANGO_CACHE_DIR=str(folder / "cache"),
            DJANGO_DEBUG="true",  # static files without collectstatic; caching as in production
            DJANGO_PAGE_CACHE_SECONDS="3600",
            DJANGO_AXES_FAILURE_LIMIT="3",
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "hsitp_site.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--error-logfile",
                str(self.log),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:  # not up yet, or busy starting
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"gunicorn did not answer:\n{self.log.read_text()}")
            time.sleep(0.2)

    def get(self, path: str, session=None, **kwargs):
        return (session or requests).get(
            self.url + path, timeout=30, allow_redirects=False, **kwargs
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


@pytest.fixture
def servers(database, redis_server, tmp_path):  # noqa: F811
    started = [Server(database, redis_server.url, tmp_path / name) for name in ("a", "b")]
    yield started
    for server in started:
        server.stop()


def seen(servers, path: str) -> list[str]:
    """What each server answers at `path` (status and text), twice: from the page cache the
    second time, if it caches it."""
    answers = []
    for server in servers:
        for _ in range(2):
            response = server.get(path)
            answers.append(f"{response.status_code} {response.text}")
    return answers


READER_VIEWS = [
    "/milestones/",
    f"/milestones/{SLUG}/",
    "/api/milestones/",
    "/feeds/milestones/",
    "/meetings.ics",
    "/meetings/11th-meeting/",
]


def test_a_change_anywhere_is_seen_through_both_servers_at_once(servers, database, redis_server):  # noqa: F811
    def manage_py(code: str) -> None:
        """`code` in a third process, on the same database and cache, as manage.py runs."""
        database.python(code, DJANGO_CACHE_URL=redis_server.url)

    for server in servers:  # what the proxy asks each
        assert server.get("/healthz").json() == {"database": "ok", "cache": "ok"}
    for path in READER_VIEWS:  # every server has every page cached
        for answer in seen(servers, path):
            assert answer.startswith("200 "), path
    assert servers[0].get("/milestones/").headers["X-Page-Cache"] == "hit"
    assert servers[1].get("/milestones/").headers["X-Page-Cache"] == "hit"

    manage_py(  # an edit, through manage.py's Django
        "from milestones.models import Milestone\n"
        f"m = Milestone.objects.get(slug='{SLUG}')\n"
        "m.title = 'Land handed over to the company'\n"
        "m.save()\n"
        "from meetings.models import Meeting\n"
        "m = Meeting.objects.get(slug='11th-meeting')\n"
        "m.title = 'Eleventh meeting'\n"
        "m.save()\n"
    )
    for path in ["/milestones/", f"/milestones/{SLUG}/", "/api/milestones/", "/feeds/milestones/"]:
        assert all("Land handed over to the company" in a for a in seen(servers, path)), path
    for path in ["/meetings.ics", "/meetings/11th-meeting/"]:
        assert all("Eleventh meeting" in a for a in seen(servers, path)), path

    manage_py(  # unpublished
        "from milestones.models import Milestone\n"
        f"m = Milestone.objects.get(slug='{SLUG}')\n"
        "m.unpublish()\n"
        "m.save()\n"
    )
    assert all(a.startswith("404 ") for a in seen(servers, f"/milestones/{SLUG}/"))
    assert not any("Land handed over" in a for a in seen(servers, "/milestones/"))

    manage_py(  # published again, then deleted
        "from milestones.models import Milestone\n"
        f"m = Milestone.objects.get(slug='{SLUG}')\n"
        "m.publish()\n"
        "m.save()\n"
    )
    assert all(a.startswith("200 ") for a in seen(servers, f"/milestones/{SLUG}/"))
    manage_py(
        f"from milestones.models import Milestone\nMilestone.objects.get(slug='{SLUG}').delete()\n"
    )
    assert all(a.startswith("404 ") for a in seen(servers, f"/milestones/{SLUG}/"))
    for path in ["/milestones/", "/api/milestones/", "/feeds/milestones/"]:
        assert not any("Land handed over" in a for a in seen(servers, path)), path
        assert all("Memorandum signed" in a for a in seen(servers, path)), path


def log_in(server, session, username: str, password: str):
    login = server.get("/admin/login/", session)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
    return session.post(
        server.url + "/admin/login/?next=/admin/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": server.url + "/admin/login/"},
        allow_redirects=False,
        timeout=10,
    )


def test_a_login_on_one_server_holds_on_the_other(servers):
    session = requests.Session()
    assert log_in(servers[0], session, "edith", "pw-for-tests").status_code == 302
    desk = servers[1].get("/admin/", session)
    assert desk.status_code == 200 and "edith" in desk.text


def test_failed_logins_count_on_both_servers_and_the_lockout_holds_on_both(servers):
    """Three wrong passwords (the limit here), spread over the two servers, lock the account
    out: the right one is then refused on either."""
    a, b = servers
    assert log_in(a, requests.Session(), "edith", "wrong").status_code == 200
    assert log_in(b, requests.Session(), "edith", "wrong").status_code == 200
    assert log_in(a, requests.Session(), "edith", "wrong").status_code == 429  # the third
    for server in servers:
        refused = log_in(server, requests.Session(), "edith", "pw-for-tests")
        assert refused.status_code == 429
        assert "Too many failed login attempts" in refused.text
