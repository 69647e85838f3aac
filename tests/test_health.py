"""/healthz: what a load balancer or a monitor asks each server (operations/middleware.py)."""

import json
import socket
import subprocess
import sys

import pytest

from tests.factories import make_milestone
from tests.scratch_db import ROOT, base_env

pytestmark = pytest.mark.django_db


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_healthy_server_says_ok_for_its_database_and_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]


def test_probes_over_plain_http_with_any_host_are_answered_not_redirected(client, settings):
    """Load balancers probe plain HTTP, often naming the server's own address: no
    redirect to HTTPS, no 400 for a host that pages would refuse."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["history.example.org"]
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # pages still refuse
    assert client.get("/", HTTP_HOST="history.example.org").status_code == 301  # to HTTPS


def test_the_health_answer_is_never_cached(client, settings):
    """With the page cache on, each probe asks the database and the cache again."""
    settings.PAGE_CACHE_SECONDS = 3600
    make_milestone()
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 200 and "X-Page-Cache" not in response


def test_an_unreachable_cache_is_a_503_naming_it(client, settings):
    """Nothing listens at the cache's address: the server says so, and what failed."""
    url = f"redis://127.0.0.1:{unused_port()}/0"
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "pagecache.backends.ResilientRedisCache", "LOCATION": url},
        "content_version": {"BACKEND": "pagecache.backends.ResilientRedisCache", "LOCATION": url},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    report = response.json()
    assert report["database"] == "ok"
    assert report["cache"].startswith("failed:")


def test_an_unreachable_database_is_a_503_naming_it():
    """A server whose PostgreSQL does not answer (nothing listens there) says so."""
    script = (
        "import django, json\n"
        "django.setup()\n"
        "from django.test import Client\n"
        "response = Client().get('/healthz')\n"
        "print(response.status_code, json.dumps(response.json()))\n"
    )
    broken = f"postgres://nobody:x@127.0.0.1:{unused_port()}/none"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base_env(DATABASE_URL=broken, DJANGO_CACHE_URL="locmem://"),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    status, report = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    report = json.loads(report)
    assert report["database"].startswith("failed: OperationalError")
    assert report["cache"] == "ok"
