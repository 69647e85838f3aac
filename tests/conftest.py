"""Shared fixtures: isolated media, plain static storage, and a real headless Chromium."""

import os
import shutil
from pathlib import Path

import pytest

# Helper modules whose plain `assert`s should explain themselves like a test's.
pytest.register_assert_rewrite("tests.assertions", "tests.factories")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a request to /zh-hant/ leaves its language active in the
    test's thread, which would make the next test's reverse() give Chinese URLs."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT; static files need no collectstatic manifest."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests log in often; a fast hasher keeps each login cheap (never in settings.py).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def redis_url_for_this_worker() -> str:
    """With DJANGO_CACHE_URL=redis://… (the Redis run), the Redis database of this test
    worker: each xdist worker has its own (1, 2, …), emptied after each of its tests, so that
    workers never see each other's pages. Empty otherwise."""
    url = os.environ.get("DJANGO_CACHE_URL", "")
    if not url.startswith("redis://"):
        return ""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"{url.rsplit('/', 1)[0]}/{int(worker) + 1}"


@pytest.fixture(autouse=True)
def _isolated_caches(settings, tmp_path):
    """Each test gets caches of its own, empty (pagecache/): a page cached by one
    test never answers another. The page cache itself is off unless a test turns it on
    (`settings.PAGE_CACHE_SECONDS`, as tests/test_caching.py does): the other tests look at
    what views do, query counts included.

    A test's database starts with no pending change, so the shared cache says that nothing
    is scheduled, as it does on a running site once a request has asked (its one query is
    tested in tests/test_scheduled_changes.py): query counts are those of a running site."""
    from django.core.cache import caches

    from hsitp_site.cache_config import FRAGMENTS, cache_settings
    from publishing import scheduling

    redis_url = redis_url_for_this_worker()
    if redis_url:  # `make test`'s Redis run (scripts/with-redis.sh): the shared caches in Redis
        settings.CACHES = {
            **cache_settings(redis_url, cache_dir=tmp_path / "content-version"),
            "fragments": {**FRAGMENTS, "LOCATION": f"fragments-{tmp_path.name}"},
        }
    else:
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"tests-{tmp_path.name}",
            },
            "content_version": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "content-version"),
            },
            "fragments": {**FRAGMENTS, "LOCATION": f"fragments-{tmp_path.name}"},
        }
    settings.PAGE_CACHE_SECONDS = int(os.environ.get("TEST_PAGE_CACHE_SECONDS", "0"))
    scheduling.remember(scheduling.NOTHING)
    yield
    caches["default"].clear()
    caches["fragments"].clear()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright. A missing browser fails, never skips."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make system-deps` (as root).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab at phone-friendly desktop width."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const what = `${event.violatedDirective} ${event.blockedURI}`;
  console.error(`Content Security Policy violation: ${what}`);
});
"""


@pytest.fixture
def csp_watch(page):
    """Console messages about the Content Security Policy, every console error, and
    uncaught script errors."""
    seen = {"violations": [], "errors": [], "console_errors": []}

    def on_console(message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            seen["violations"].append(f"{page.url}: {message.text}")
        if message.type == "error":
            seen["console_errors"].append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["errors"].append(f"{page.url}: {error}"))
    page.add_init_script(REPORT_VIOLATIONS)
    return seen


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot under artifacts/screenshots/ (git-ignored); returns the path."""

    def take(name: str) -> Path:
        folder = ARTIFACTS / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def curated_site(django_capture_on_commit_callbacks):
    """The seed documents imported and the curated fixtures loaded: the site as it ships.
    The test's own django_db mark gives the database (the browser tests need a transactional
    one, for the live server). What runs when loaddata commits (the index of mentions) runs
    here too, as it would outside a test's transaction."""
    from io import StringIO

    from django.core.management import call_command

    call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "loaddata",
            str(ROOT / "milestones" / "fixtures" / "curated_milestones.json"),
            str(ROOT / "meetings" / "fixtures" / "curated_meetings.json"),
            stdout=StringIO(),
        )


@pytest.fixture
def db_snapshot(db):
    """A callable returning every row of the site's tables, to show a run changed nothing."""
    from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person
    from milestones.models import Milestone

    models = [Milestone, MeetingSeries, Meeting, Person, Organization, Attendance]

    def take() -> dict:
        return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}

    return take


@pytest.fixture
def edith(db):
    """A client logged in as Edith, an editor."""
    from tests.factories import logged_in

    return logged_in("editor", "edith")


@pytest.fixture
def pat(db):
    """A client logged in as Pat, a publisher."""
    from tests.factories import logged_in

    return logged_in("publisher", "pat")
