"""The ground every page stands on: home page, admin login, settings from the environment."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent


def test_home_page_renders_with_navigation(db, client, django_assert_max_num_queries):
    """The home page answers 200, names the park and has the main navigation."""
    with django_assert_max_num_queries(3):  # latest milestones, latest meeting, years
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hong Kong-Shenzhen Innovation and Technology Park" in html
    assert 'aria-label="Main"' in html
    assert 'href="#main"' in html  # skip link


@pytest.mark.parametrize("url", ["/", "/admin/login/"])
def test_the_site_and_the_desk_show_the_sites_icon(db, client, url):
    html = client.get(url).content.decode()
    link = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'
    assert link in html
    icon = Path(__file__).resolve().parent.parent / "hsitp_site/static/img/favicon.svg"
    assert icon.read_text().startswith("<svg")


@pytest.mark.parametrize(
    ("url", "content_type", "size"),
    [("/favicon.ico", "image/", (48, 48)), ("/apple-touch-icon.png", "image/png", (180, 180))],
)
def test_browsers_find_the_icons_at_the_root(client, url, content_type, size):
    """Browsers and phones ask for these on every site: WhiteNoise serves them, real
    images of the sizes they expect, with a cache lifetime."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "max-age" in response["Cache-Control"]
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == size


def test_pages_point_phones_to_the_touch_icon(db, client):
    assert (
        '<link rel="apple-touch-icon" href="/apple-touch-icon.png">'
        in client.get("/").content.decode()
    )


def test_admin_login_page_is_served(client):
    """The editors' desk asks for a login."""
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"Username" in response.content


def test_admin_redirects_anonymous_to_login(client):
    """Nobody reaches the admin without logging in."""
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def _run_settings(env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "hsitp_site.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_secret_key_when_not_debug():
    """With debug off and no DJANGO_SECRET_KEY the project will not start, and says why."""
    result = _run_settings({})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(
    "env",
    [{"DJANGO_DEBUG": "true"}, {"DJANGO_SECRET_KEY": "x" * 50}],
    ids=["debug-without-key", "key-without-debug"],
)
def test_settings_start_with_debug_or_a_secret_key(env):
    """Debug mode on one's own machine, or a real key, is enough to start."""
    result = _run_settings(env)
    assert result.returncode == 0, result.stderr


def test_debug_is_off_by_default(settings):
    """Nothing turns debug on unless the environment asks for it."""
    from hsitp_site.settings import env_bool

    assert env_bool("DJANGO_DEBUG_NOT_SET_ANYWHERE") is False
    assert settings.TIME_ZONE == "Asia/Hong_Kong"


@pytest.mark.browser
def test_home_page_in_a_real_browser(live_server, page, screenshot):
    """Chromium loads the home page with its stylesheet, and a screenshot is saved."""
    page.goto(live_server.url + "/")
    assert "Hong Kong-Shenzhen Innovation and Technology Park" in page.locator("h1").inner_text()
    background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert background == "rgb(8, 79, 75)"  # our stylesheet loaded
    assert screenshot("home").stat().st_size > 1000


def test_the_deploy_check_asks_for_the_sites_public_origin(settings):
    """`check --deploy` warns while DJANGO_SITE_URL is local: the calendar's UIDs and the
    feeds' ids would name 127.0.0.1 for ever."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert "hsitp.W001" in {message.id for message in run_checks(include_deployment_checks=True)}
    settings.SITE_URL = "https://history.example.org"
    assert "hsitp.W001" not in {m.id for m in run_checks(include_deployment_checks=True)}
