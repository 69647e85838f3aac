"""Security: production settings, headers and the Content-Security-Policy on every response,
admin login throttling (django-axes), password strength, and escaping of what editors and
seed documents write."""

import datetime as dt
import json
import os
import re
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from tests.factories import (
    make_attendance,
    make_attended_meeting,
    make_meeting,
    make_milestone,
    make_organisation,
    make_person,
    make_picture,
    make_user,
)

ROOT = Path(__file__).resolve().parent.parent
YEAR = 365 * 24 * 60 * 60
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),  # 67 random characters
    "DJANGO_ALLOWED_HOSTS": "history.example.org",
    "DJANGO_SITE_URL": "https://history.example.org",
}


# Settings, read by a fresh interpreter from the environment --------------------------------


def _python(args: list[str], env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    """Run Python in the project with only `env_overrides` as DJANGO_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_overrides, DJANGO_SETTINGS_MODULE="hsitp_site.settings")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def check_deploy(env_overrides: dict[str, str]) -> subprocess.CompletedProcess:
    return _python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env_overrides)


SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
    "AXES_FAILURE_LIMIT",
]


def read_settings(env_overrides: dict[str, str]) -> dict:
    """The security settings as the project computes them from `env_overrides`."""
    code = (
        "import json; from django.conf import settings as s; "
        f"values = {{name: getattr(s, name) for name in {SECURITY_SETTINGS!r}}}; "
        "values['AXES_COOLOFF_SECONDS'] = s.AXES_COOLOFF_TIME.total_seconds(); "
        "print(json.dumps(values))"
    )
    result = _python(["-c", code], env_overrides)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https"},
        {"DJANGO_SECURE_HSTS_PRELOAD": "true"},
    ],
    ids=["defaults", "behind-a-tls-proxy", "hsts-preload"],
)
def test_check_deploy_is_clean_with_production_settings(extra):
    """`manage.py check --deploy --fail-level WARNING` exits 0 with debug off and a real key."""
    result = check_deploy({**PRODUCTION_ENV, **extra})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_complains_when_cookies_are_made_insecure():
    """The clean check is earned, not silenced: plain-HTTP cookies are reported."""
    result = check_deploy({**PRODUCTION_ENV, "DJANGO_SESSION_COOKIE_SECURE": "false"})
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr


def test_secure_defaults_with_debug_off():
    """With debug off everything is on: HTTPS only, HSTS for a year, secure cookies."""
    values = read_settings(PRODUCTION_ENV)
    assert values == {
        "DEBUG": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "AXES_FAILURE_LIMIT": 5,
        "AXES_COOLOFF_SECONDS": 30 * 60,
    }


def test_environment_variables_adapt_the_secure_defaults():
    """A TLS proxy, a shorter HSTS, preloading, and plain-HTTP cookies for a local run."""
    values = read_settings(
        {
            **PRODUCTION_ENV,
            "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO, https",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_HSTS_SECONDS": "3600",
            "DJANGO_SECURE_HSTS_PRELOAD": "true",
            "DJANGO_SESSION_COOKIE_SECURE": "false",
            "DJANGO_AXES_FAILURE_LIMIT": "3",
            "DJANGO_AXES_COOLOFF_MINUTES": "10",
        }
    )
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 3600
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False  # follows the session cookie
    assert values["AXES_FAILURE_LIMIT"] == 3
    assert values["AXES_COOLOFF_SECONDS"] == 10 * 60


def test_debug_on_serves_plain_http_for_make_run():
    """`make run` (debug on, http://127.0.0.1) is not redirected to HTTPS nor pinned by HSTS."""
    values = read_settings({"DJANGO_DEBUG": "true"})
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False
    assert values["X_FRAME_OPTIONS"] == "DENY"  # the headers that never hurt stay on


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DJANGO_SECURE_HSTS_SECONDS", "a year", "DJANGO_SECURE_HSTS_SECONDS must be a whole"),
        ("DJANGO_SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO", "a header and a value"),
        ("DJANGO_AXES_FAILURE_LIMIT", "five", "DJANGO_AXES_FAILURE_LIMIT must be a whole"),
    ],
)
def test_a_malformed_security_variable_stops_with_the_reason(name, value, message):
    result = _python(["-c", "import django; django.setup()"], {**PRODUCTION_ENV, name: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_behind_a_tls_proxy_https_requests_are_trusted_and_plain_ones_redirected(
    db, client, settings
):
    """With SECURE_PROXY_SSL_HEADER, the proxy's X-Forwarded-Proto decides what is HTTPS."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/", HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/"
    secure = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"


# Headers and the Content-Security-Policy on every response ---------------------------------

REQUIRED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}
# An executable <script> without src, a style="" attribute, or an on…="" handler attribute.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
    r"|\sstyle=[\"']|\son[a-z]+=[\"']",
    re.IGNORECASE,
)


def parse_csp(header: str) -> dict[str, str]:
    directives = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        if name:
            directives[name] = value.strip()
    return directives


@pytest.fixture
def site(db):
    """Published content, a superuser, and the URLs of every kind of page."""
    picture = make_picture()
    milestone = make_milestone(title="Land handed over", lead_image=picture)
    meeting, _ = make_attended_meeting()
    meeting.photos.create(picture=picture)
    milestone.title = "Land handed over to the company"
    milestone.save()  # a second version for the history page
    superuser = make_user("superuser", username="root")
    public = [
        "/",
        "/milestones/",
        milestone.get_absolute_url(),
        "/meetings/",
        meeting.get_absolute_url(),
        "/api/milestones/",
        "/api/meetings/",
        "/meetings.ics",
    ]
    admin = [
        "/admin/",
        "/admin/milestones/milestone/",
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        f"/admin/milestones/milestone/{milestone.pk}/history/",
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
        f"/admin/pictures/picture/{picture.pk}/change/",
        "/admin/import/",
        "/admin/axes/accessattempt/",
    ]
    return {
        "milestone": milestone,
        "meeting": meeting,
        "superuser": superuser,
        "public": public,
        "admin": admin,
    }


def assert_security_headers(response, url):
    csp = response.get("Content-Security-Policy")
    assert csp, f"{url}: no Content-Security-Policy"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    directives = parse_csp(csp)
    for name, value in REQUIRED_CSP.items():
        assert directives.get(name) == value, f"{url}: {name} is {directives.get(name)!r}"
    assert response["X-Content-Type-Options"] == "nosniff", url
    assert response["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin"}, url
    assert response["X-Frame-Options"] == "DENY", url
    assert response["Cross-Origin-Opener-Policy"] == "same-origin", url


def fetch_all(client, site):
    """Every page: public ones and the login anonymously, the admin as a superuser."""
    responses = [(url, client.get(url)) for url in [*site["public"], "/admin/login/"]]
    responses.append(("/no-such-page/", client.get("/no-such-page/")))
    client.force_login(site["superuser"])
    responses += [(url, client.get(url)) for url in site["admin"]]
    return responses


def test_every_response_carries_the_csp_and_security_headers(client, site):
    """Public pages, the API, the calendar, a 404, the login page and the admin."""
    for url, response in fetch_all(client, site):
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        assert_security_headers(response, url)


def test_no_page_has_inline_script_style_or_event_handlers(client, site):
    """What the policy would refuse is not there to refuse: no inline code in any HTML page."""
    for url, response in fetch_all(client, site):
        if not response["Content-Type"].startswith("text/html"):
            continue
        found = INLINE_CODE.findall(response.content.decode())
        assert not found, f"{url}: {found}"


def test_the_csp_reaches_the_final_header_exactly():
    """The whole policy, as browsers receive it (README.md, "Security")."""
    from django.conf import settings

    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert {name: " ".join(values) for name, values in directives.items()} == REQUIRED_CSP


def test_hsts_is_sent_on_secure_requests_only(client, site):
    """Strict-Transport-Security for a year with subdomains, only over HTTPS."""
    for url in [*site["public"], "/admin/login/"]:
        response = client.get(url, secure=True)
        assert response["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains"
        assert "Strict-Transport-Security" not in client.get(url)


def test_hsts_preload_is_added_when_configured(client, site, settings):
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == f"max-age={YEAR}; includeSubDomains; preload"


def test_session_and_csrf_cookies_are_secure_and_the_session_cookie_http_only(client, site):
    """Logging in sets cookies that never travel over plain HTTP nor reach scripts."""
    make_user("editor", username="edith")
    client.get("/admin/login/", secure=True)
    response = client.post(
        "/admin/login/", {"username": "edith", "password": "pw-for-tests"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert client.cookies["csrftoken"]["secure"]


# Admin login throttling (django-axes) ------------------------------------------------------

LOGIN = "/admin/login/"
LOCKOUT_MESSAGE = (
    "Too many failed login attempts. Try again in 30 minutes, "
    "or ask an administrator to unlock your account."
)


def log_in(client, username, password, address="203.0.113.7"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def fail(client, username, times, address="203.0.113.7"):
    return [log_in(client, username, "wrong-guess", address).status_code for _ in range(times)]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def edith(db):
    return make_user("editor", username="edith")


def test_the_fifth_wrong_password_locks_out_with_a_clear_message(client, edith, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert fail(client, "edith", 4) == [200] * 4  # the login form, with its error
    response = log_in(client, "edith", "wrong-again")
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKOUT_MESSAGE in html
    assert "<title>Too many failed login attempts | HSITP History admin</title>" in html
    assert_security_headers(response, LOGIN)


def test_the_right_password_is_refused_during_the_lockout(client, edith):
    fail(client, "edith", 5)
    response = log_in(client, "edith", "pw-for-tests")
    assert response.status_code == 429
    assert LOCKOUT_MESSAGE in response.content.decode()
    assert not is_logged_in(client)
    assert client.get("/admin/").status_code == 302  # back to the login page


def test_the_lockout_is_for_that_username_from_that_address(client, edith):
    """Guessing at one account locks neither the person elsewhere nor colleagues."""
    make_user("publisher", username="pat")
    fail(client, "edith", 5)
    assert log_in(client, "pat", "pw-for-tests").status_code == 302
    client.logout()
    assert log_in(client, "edith", "pw-for-tests", address="198.51.100.9").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, edith):
    fail(client, "edith", 5)
    later = timezone.now() + dt.timedelta(minutes=31)
    with time_machine.travel(later, tick=False):
        response = log_in(client, "edith", "pw-for-tests")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_axes_reset_username_unlocks_an_account(client, edith):
    """`manage.py axes_reset_username edith` lets her in at once."""
    fail(client, "edith", 5)
    assert log_in(client, "edith", "pw-for-tests").status_code == 429
    call_command("axes_reset_username", "edith", stdout=StringIO())
    response = log_in(client, "edith", "pw-for-tests")
    assert response.status_code == 302
    assert is_logged_in(client)


def test_an_administrator_unlocks_from_the_access_attempts_admin(client, edith):
    """The admin's "Access attempts" lists the lockout; deleting the attempt unlocks."""
    from axes.models import AccessAttempt

    fail(client, "edith", 5)
    attempt = AccessAttempt.objects.get(username="edith")
    admin = make_user("superuser", username="root")
    client.force_login(admin)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "edith" in listing.content.decode()
    deleted = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    client.logout()
    assert log_in(client, "edith", "pw-for-tests").status_code == 302


# Passwords ---------------------------------------------------------------------------------


def test_the_password_validators_are_on(settings):
    names = {validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


@pytest.mark.parametrize(
    "password",
    ["password", "12345678901", "Hk1!", "edith@example.org"],
    ids=["common", "numeric", "short", "like-the-email"],
)
def test_a_weak_password_is_refused(edith, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=edith)


def test_a_strong_password_is_accepted(edith):
    validate_password("Loop-by-the-Sham-Chun-River-1997", user=edith)


# Everything editors and seeds write is escaped on output -----------------------------------

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"Hostile {SCRIPT} and {ATTRIBUTE} text"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
ESCAPED_ATTRIBUTE = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile(db):
    """A published milestone and meeting whose text is markup, and the people at it."""
    milestone = make_milestone(title=PAYLOAD, slug="hostile-milestone", body=PAYLOAD)
    meeting = make_meeting(title=PAYLOAD, slug="hostile-meeting", summary=PAYLOAD)
    person = make_person(name=f"Person {SCRIPT}", slug="hostile-person")
    organisation = make_organisation(name=f"Bureau {ATTRIBUTE}", slug="hostile-bureau")
    make_attendance(meeting, person=person, post=PAYLOAD)
    make_attendance(meeting, organisation=organisation)
    return milestone, meeting


def assert_escaped(html: str, where: str) -> None:
    assert SCRIPT not in html, f"{where}: a live <script>"
    assert "<img src=x" not in html, f"{where}: a live <img onerror>"
    assert ESCAPED_SCRIPT in html, f"{where}: the text is not shown"
    assert ESCAPED_ATTRIBUTE in html, f"{where}: the text is not shown"


def test_hostile_text_is_escaped_on_the_public_pages(client, hostile):
    milestone, meeting = hostile
    for url in ["/milestones/", milestone.get_absolute_url(), "/meetings/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert_escaped(page, "meeting page")
    assert "Person &lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Bureau &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_hostile_text_is_plain_data_in_the_json_api(client, hostile):
    """JSON carries the text as it was written, as data that no browser renders as HTML."""
    for url in ["/api/milestones/", "/api/meetings/"]:
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert json.loads(response.content)["results"][0]["title"] == PAYLOAD
    assert json.loads(client.get("/api/milestones/").content)["results"][0]["body"] == PAYLOAD


def test_hostile_text_is_escaped_in_the_admin(client, hostile):
    milestone, meeting = hostile
    client.force_login(make_user("superuser"))
    for url in [
        "/admin/milestones/milestone/",
        f"/admin/milestones/milestone/{milestone.pk}/change/",
        f"/admin/milestones/milestone/{milestone.pk}/history/",
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/{meeting.pk}/change/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert SCRIPT not in response.content.decode(), url
        assert "<img src=x" not in response.content.decode(), url
        assert ESCAPED_SCRIPT in response.content.decode(), url
