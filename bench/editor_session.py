#!/usr/bin/env python
"""An editor at the desk during the load test (bench/loadtest.sh): logs in to the admin of a
live server on 127.0.0.1 and saves changes to published milestones in a loop, as a browser
would (GET the change form, POST it back with the CSRF token), every INTERVAL seconds. A
change to a published milestone waits for review (a pending change: no public page changes)
unless --publish, which presses "Publish" instead of "Save": each change then goes public
at once, and the page cache must drop what showed the old title.

    python bench/editor_session.py --base http://127.0.0.1:8000 --username U --password P \
        [--duration 60] [--interval 0.5] [--max-saves 200] [--publish] [--output editor.json]

Bounded in time and count; refuses any host but 127.0.0.1 and localhost. Prints (and writes
to --output) a JSON summary: saves, errors, latency of a save (p50, p99, max), the first
errors. A save counts as an error unless the admin answers with its redirect after saving.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


class FormFields(HTMLParser):
    """The fields a browser would submit from the first form with id `form_id`: inputs
    (checkboxes and radios only when checked; no file or button inputs), selected options,
    textareas."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form, self.fields = form_id, False, []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form or not attrs.get("name") and tag != "option":
            return
        name = attrs.get("name")
        if tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in attrs:
                self.fields.append((self._select, value))
                self._select_chosen = True
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
        elif tag == "select" and self._select:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_fields(html: str, form_id: str) -> dict[str, str]:
    parser = FormFields(form_id)
    parser.feed(html)
    if not parser.fields:
        raise RuntimeError(f"no form #{form_id} on the page")
    return dict(parser.fields)


class Editor:
    def __init__(self, base: str, timeout: float):
        self.base, self.timeout = base.rstrip("/") + "/", timeout
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return urljoin(self.base, path.lstrip("/"))

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.url(path), timeout=self.timeout, allow_redirects=False)
        response.raise_for_status()
        return response

    def post(self, path: str, data: dict) -> requests.Response:
        headers = {"Referer": self.url(path)}
        return self.http.post(
            self.url(path), data=data, headers=headers, timeout=self.timeout, allow_redirects=False
        )

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/admin/login/")
        token = form_fields(page.text, "login-form")["csrfmiddlewaretoken"]
        response = self.post(
            "/admin/login/?next=/admin/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if response.status_code != 302:
            raise RuntimeError(f"login failed: HTTP {response.status_code}")

    def milestone_ids(self, limit: int) -> list[str]:
        page = self.get("/admin/milestones/milestone/?status=published")
        ids = []
        for part in page.text.split('href="/admin/milestones/milestone/')[1:]:
            ident = part.split("/", 1)[0]
            if ident.isdigit() and ident not in ids:
                ids.append(ident)
        if not ids:
            raise RuntimeError("no milestones in the admin's list")
        return ids[:limit]

    def save_milestone(self, ident: str, edit: int, publish: bool = False) -> None:
        path = f"/admin/milestones/milestone/{ident}/change/"
        fields = form_fields(self.get(path).text, "milestone_form")
        title = fields["title"].split(" · edit ")[0]
        fields["title"] = f"{title[:170]} · edit {edit}"
        fields["_publish" if publish else "_save"] = "Publish" if publish else "Save"
        response = self.post(path, fields)
        if response.status_code != 302:
            note = "form errors" if "errornote" in response.text else response.reason
            raise RuntimeError(f"save of milestone {ident}: HTTP {response.status_code} ({note})")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--max-saves", type=int, default=200)
    parser.add_argument("--publish", action="store_true", help="Publish each change at once.")
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--output")
    args = parser.parse_args(argv)
    if urlsplit(args.base).hostname not in LOCAL_HOSTS:
        parser.error("--base must be a server on 127.0.0.1 or localhost")

    editor = Editor(args.base, args.timeout)
    editor.log_in(args.username, args.password)
    ids = editor.milestone_ids(limit=10)
    saves, errors, times, first_errors = 0, 0, [], []
    started = time.monotonic()
    attempt = 0
    while time.monotonic() - started < args.duration and saves + errors < args.max_saves:
        attempt += 1
        began = time.monotonic()
        try:
            editor.save_milestone(ids[attempt % len(ids)], attempt, args.publish)
            saves += 1
            times.append(time.monotonic() - began)
        except (requests.RequestException, RuntimeError, KeyError) as error:
            errors += 1
            if len(first_errors) < 5:
                first_errors.append(f"{type(error).__name__}: {error}")
        time.sleep(max(0.0, args.interval - (time.monotonic() - began)))
    summary = {
        "saves": saves,
        "errors": errors,
        "seconds": round(time.monotonic() - started, 1),
        "save_p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
        "save_p99_ms": round(percentile(times, 0.99) * 1000, 1) if times else None,
        "save_max_ms": round(max(times) * 1000, 1) if times else None,
        "first_errors": first_errors,
    }
    text = json.dumps(summary)
    print(text)  # noqa: T201 (the script's output)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    return 0 if errors == 0 and saves > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
