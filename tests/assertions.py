"""Assertions shared by the test modules (pytest rewrites them: tests/conftest.py asks it to)."""

from django.test import Client
from django.utils import translation


def response_text(response) -> str:
    """The whole body as text, streamed or not (a streamed body can be read only once)."""
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_page(response, *contains: str, status: int = 200) -> str:
    """`response` answered `status` and its body holds every one of `contains`; returns the
    body as text for more checks.

    A query-count test calls it so that a 404 or a 500 page, which can make as few queries
    as the real one, never passes. Call it after the query-count block when the body is
    streamed: reading it runs the query that was being counted."""
    request = getattr(response, "request", {})
    url = f"{request.get('PATH_INFO', '')}?{request.get('QUERY_STRING', '')}".rstrip("?")
    assert response.status_code == status, f"{url}: {response.status_code} instead of {status}"
    text = response_text(response)
    missing = [expected for expected in contains if expected not in text]
    assert not missing, f"{url}: not in the response: {missing}"
    return text


def english_path(obj) -> str:
    """`obj`'s English address (a request leaves its language active in the test's thread,
    so get_absolute_url() alone may give the /zh-hant/ one)."""
    with translation.override("en"):
        return obj.get_absolute_url()


def page(url: str) -> str:
    """The text of the public page at `url`, which must answer 200 to a new reader."""
    return assert_page(Client().get(url))
