"""Upgrading a site built with the last released layout (commit 774364c, before the shared code
moved out of `hsitp_site` into the publishing, pagecache, importing, search, opendata, pages
and operations apps) keeps every row and every revision.

The old site is built by the old code itself, exported from git and run in other processes:
`migrate`, `import_seeds`, `load_curated`, then an editor (in the Editor group) uploads a
picture and changes a milestone. Its state is recorded, the current code's `migrate` runs on
the same database, and the state is compared: row counts of every table, a dump of the
content and its history, the roles, the editor's revisions, the migration plan, and pages
served by the current code. On SQLite always; on PostgreSQL when the suite runs on it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps

from tests.scratch_db import (
    ROOT,
    VENDORS,
    ScratchDatabase,
    _drop_postgres,
    _postgres,
    _postgres_url,
    _unique,
)
from translations.fields import translation_fields

RELEASED_LAYOUT = "774364c"  # the last release with shared code inside hsitp_site/

# Tables whose rows the new code may add to, and only add to (their old rows are checked to
# be kept): django_migrations gains the roles migration under its new app label
# (publishing.0001_roles; the hsitp_site.0001_roles row stays, harmless, as no app claims it),
# and django_content_type and auth_permission gain the entries Django's post_migrate and
# sync_roles create for any model the new apps define. Every other table keeps its count.
MAY_GROW = {"django_migrations", "django_content_type", "auth_permission"}

# Models the new code adds, with what their first rows must be: meeting series got a revision
# history (meetings.0005), which starts with one revision of each series as it was.
ADDED_HISTORY = {"meetings.historicalmeetingseries": "meetings.meetingseries"}
# Tables derived from the content, filled by their migration (meetings.0011: mentions).
DERIVED = ["meetings.milestonemention"]
# Fields the new code adds to rows kept, with the value every old row gets (meetings.0006).
ADDED_FIELDS = {
    "meetings.meetingseries": {"parent": None},
    "meetings.historicalmeetingseries": {"parent": None},
    "meetings.meeting": {"announced": False},
    "meetings.historicalmeeting": {"announced": False},
}
# The sources readers see and the dates' basis (the migrations *_sources_and_date_basis).
for _label in ("milestones.milestone", "milestones.historicalmilestone"):
    ADDED_FIELDS[_label] = {"date_basis": "", "citation": "", "source_url": ""}
for _label in ("meetings.meeting", "meetings.historicalmeeting"):
    ADDED_FIELDS[_label] = {**ADDED_FIELDS[_label], "date_basis": "", "citation": ""}
ADDED_FIELDS["meetings.meeting"]["milestones_mentioned"] = []
for _label in ("meetings.meetingseries", "meetings.historicalmeetingseries"):
    ADDED_FIELDS[_label] = {**ADDED_FIELDS[_label], "description": ""}


def is_uuid(value) -> bool:
    return bool(re.fullmatch(r"[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}", str(value)))


# Each item's stable identifier (the migrations *_stable_identifier): a UUID of its own, its
# revisions carry it (checked in assert_every_row_kept).
for _label in (
    "milestones.milestone",
    "milestones.historicalmilestone",
    "meetings.meeting",
    "meetings.historicalmeeting",
):
    ADDED_FIELDS[_label] = {**ADDED_FIELDS[_label], "uid": is_uuid}


def _add_chinese_texts() -> None:
    """The Chinese texts (translations/fields.py; the migrations *_chinese_texts) are empty
    in every old row, and in every old revision."""
    for model in apps.get_models():
        if not getattr(model, "translated_fields", None):
            continue
        meta = model._meta
        for label in (meta.label_lower, f"{meta.app_label}.historical{meta.model_name}"):
            ADDED_FIELDS[label] = {
                **ADDED_FIELDS.get(label, {}),
                **dict.fromkeys(translation_fields(model), ""),
            }


_add_chinese_texts()


def without_added_fields(model: str, objects: list[dict]) -> list[dict]:
    """`objects` as the old code dumped them: each added field checked, then left out."""
    added = ADDED_FIELDS.get(model, {})
    kept = []
    for obj in objects:
        fields = dict(obj["fields"])
        for name, value in added.items():
            found = fields.pop(name)
            if callable(value):  # a value of its own: its kind is checked
                assert value(found), f"{model}.{name} of an old row is {found!r}"
            else:
                assert found == value, f"{model}.{name} of an old row is not {value!r}"
        kept.append({**obj, "fields": fields})
    return kept


# The content and its revision history (historical* models are in their app's label), the
# roles with their permissions, and the accounts with their groups.
DUMPED = ["milestones", "meetings", "pictures", "auth.group", "auth.user"]

EDIT_REASON = "Clearer title and a lead image"

# An editor's work on the old site, with the old code: an account in the Editor group, a
# picture uploaded, and a milestone's title and lead image changed under the editor's name.
EDITOR_CHANGES_A_MILESTONE = f"""
import io
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from milestones.models import Milestone
from pictures.models import Picture

editor = User.objects.create_user(
    "edith", "edith@example.org", "a long and good password 1", is_staff=True
)
editor.groups.add(Group.objects.get(name="Editor"))
# An administrator's own choice since: editors may also delete people. The upgrade keeps it
# (the roles' migration is not run again where it ran under its old app).
Group.objects.get(name="Editor").permissions.add(
    Permission.objects.get(content_type__app_label="meetings", codename="delete_person")
)
buffer = io.BytesIO()
Image.new("RGB", (1600, 900), (30, 120, 110)).save(buffer, "JPEG")
picture = Picture(
    image=SimpleUploadedFile("loop-aerial.jpg", buffer.getvalue()),
    alt_text="The Loop from the air",
    caption="The Lok Ma Chau Loop",
    credit="Photo: a test",
)
picture.full_clean()
picture.save()
milestone = Milestone.objects.published().order_by("sort_key").first()
milestone.title += " (edited)"
milestone.lead_image = picture
milestone._history_user = editor
milestone._change_reason = {EDIT_REASON!r}
milestone.save()
"""

# What must survive, as JSON; run by the old code before and by the new code after.
STATE = f"""
import json
import milestones
from django.contrib.auth.models import Group, User
from django.db import connection
from milestones.models import Milestone

def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [list(row) for row in cursor.fetchall()]

quote = connection.ops.quote_name
edited = Milestone.history.get(history_change_reason={EDIT_REASON!r}).instance
print(json.dumps({{
    "code": milestones.__file__,
    "rows": {{
        table: rows(f"SELECT COUNT(*) FROM {{quote(table)}}")[0][0]
        for table in connection.introspection.table_names()
    }},
    "migrations": sorted(rows("SELECT app, name FROM django_migrations")),
    "content_types": sorted(rows("SELECT app_label, model FROM django_content_type")),
    "permissions": sorted(rows(
        "SELECT c.app_label, p.codename FROM auth_permission p"
        " JOIN django_content_type c ON c.id = p.content_type_id"
    )),
    "roles": {{
        group.name: sorted(
            f"{{p.content_type.app_label}}.{{p.codename}}" for p in group.permissions.all()
        )
        for group in Group.objects.all()
    }},
    "memberships": {{
        user.username: sorted(user.groups.values_list("name", flat=True))
        for user in User.objects.all()
    }},
    "edited": {{"slug": edited.slug, "title": edited.title}},
    "history": [
        [entry.history_type, entry.history_change_reason,
         entry.history_user.username if entry.history_user else None]
        for entry in edited.history.order_by("history_date", "history_id")
    ],
}}))
"""

# Pages the new code serves from the migrated database. Static files as tests/conftest.py
# has them: no collectstatic manifest here.
FETCH_PAGES = f"""
import json
from django.conf import settings
from django.test import Client, override_settings
from django.utils.html import escape
from milestones.models import Milestone

edited = Milestone.history.get(history_change_reason={EDIT_REASON!r}).instance
static = "django.contrib.staticfiles.storage.StaticFilesStorage"
pages = {{}}
with override_settings(STORAGES={{**settings.STORAGES, "staticfiles": {{"BACKEND": static}}}}):
    client = Client()
    for url in ["/", "/milestones/", edited.get_absolute_url()]:
        response = client.get(url)
        pages[url] = [response.status_code, escape(edited.title) in response.content.decode()]
print(json.dumps(pages))
"""


@dataclass
class Site:
    """One tree of code (old or new) run against one database, in other processes."""

    code: Path
    database: ScratchDatabase
    cache: Path

    def env(self) -> dict[str, str]:
        env = self.database.env(
            DJANGO_CACHE_DIR=str(self.cache),
            DJANGO_PAGE_CACHE_SECONDS="0",
            DJANGO_ALLOWED_HOSTS="testserver",
            DJANGO_SECURE_SSL_REDIRECT="false",
        )
        env.pop("PYTHONPATH", None)  # the code that runs is the tree in `code`, nothing else
        return env

    def run(self, args: list[str], what: str, timeout: float = 180) -> str:
        result = subprocess.run(
            args, cwd=self.code, env=self.env(), capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise AssertionError(
                f"{what} ({self.code}) exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result.stdout

    def manage(self, *args: str) -> str:
        return self.run([sys.executable, "manage.py", *args], f"manage.py {' '.join(args)}")

    def python(self, code: str) -> str:
        script = "import django\ndjango.setup()\n" + code
        return self.run([sys.executable, "-c", script], "python")


@pytest.fixture(scope="session")
def released_code(tmp_path_factory) -> Path:
    """The code of the released layout, exported from git once per session. A missing git or
    commit fails: CI runs on a full clone, and this test must not pass by not running."""
    if shutil.which("git") is None:
        pytest.fail("git is not installed: it is needed to export the released layout")
    commit = f"{RELEASED_LAYOUT}^{{commit}}"
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", commit], capture_output=True)
    if found.returncode != 0:
        pytest.fail(
            f"commit {RELEASED_LAYOUT} is not in {ROOT}: the released layout cannot be "
            "exported (a shallow clone? fetch the full history)"
        )
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", RELEASED_LAYOUT],
        capture_output=True,
        check=True,
    )
    folder = tmp_path_factory.mktemp("released-layout")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.fixture
def empty_database(vendor, tmp_path):
    """A database with no tables at all (scratch_db's are migrated by the current code)."""
    media = tmp_path / "media"
    media.mkdir()
    if vendor == "sqlite":
        path = tmp_path / "site.sqlite3"
        yield ScratchDatabase(vendor, f"sqlite:///{path}", media, path=path)
        return
    name = _unique("hsitp_released_layout")
    with _postgres() as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ScratchDatabase(vendor, _postgres_url(name), media, name=name)
    finally:
        _drop_postgres(name)


def build_released_site(old: Site) -> None:
    """What a site of the released layout holds: seeds imported, curated data loaded, an
    editor's change with its revision, all written by the released code."""
    old.manage("migrate", "--no-input", "-v", "0")
    old.manage("import_seeds", "-v", "0")
    curated = sorted(old.code.glob("*/fixtures/curated_*.json"))
    assert curated, f"no curated fixtures in {old.code}"
    assert "Loaded curated data" in old.manage("load_curated", *map(str, curated))
    old.python(EDITOR_CHANGES_A_MILESTONE)


def record(site: Site) -> tuple[dict, dict[str, list]]:
    """The state (row counts, roles, revisions...) and the dump of content, by model."""
    state = json.loads(site.python(STATE))
    assert Path(state["code"]).resolve().is_relative_to(site.code.resolve()), "another tree ran"
    dump = json.loads(
        site.manage("dumpdata", *DUMPED, "--natural-foreign", "--natural-primary", "-v", "0")
    )
    by_model = defaultdict(list)
    for item in dump:
        by_model[item["model"]].append(item)
    return state, dict(by_model)


def upgrade(new: Site) -> None:
    """The current code's migrate on the released layout's database."""
    new.manage("migrate", "--no-input", "-v", "0")


# SQLite's planner statistics (ANALYZE), not data: a migration that rebuilds a table drops
# that table's, until the next ANALYZE.
STATISTICS = {"sqlite_stat1", "sqlite_stat4"}


def row_count_kept(table: str, before: int, after: int) -> bool:
    if table in STATISTICS:
        return True
    return after >= before if table in MAY_GROW else after == before


def assert_every_row_kept(before: dict, after: dict) -> None:
    missing = sorted(set(before["rows"]) - set(after["rows"]))
    assert not missing, f"tables gone after the upgrade: {missing}"
    changed = {
        table: (count, after["rows"][table])
        for table, count in before["rows"].items()
        if not row_count_kept(table, count, after["rows"][table])
    }
    assert not changed, f"row counts changed (before, after): {changed}"
    for kept in ["migrations", "content_types", "permissions"]:
        lost = [row for row in before[kept] if row not in after[kept]]
        assert not lost, f"{kept} lost in the upgrade: {lost}"


def assert_same_content(before: dict[str, list], after: dict[str, list]) -> None:
    # Not vacuous: the content, its history and the roles are all in the dump.
    for model in [
        "milestones.milestone",
        "milestones.historicalmilestone",
        "meetings.meeting",
        "meetings.historicalmeeting",
        "meetings.attendance",
        "meetings.historicalattendance",
        "pictures.picture",
        "auth.group",
        "auth.user",
    ]:
        assert before.get(model), f"{model} is empty in the released site: nothing to compare"
    assert sorted(after) == sorted([*before, *ADDED_HISTORY, *DERIVED])
    # (natural keys: slugs) every mention names a milestone and an attendee of the site
    milestones = {row["fields"]["slug"] for row in after["milestones.milestone"]}
    attendees = {
        row["fields"]["slug"] for row in after["meetings.organization"] + after["meetings.person"]
    }
    for row in after["meetings.milestonemention"]:
        assert row["fields"]["milestone"][0] in milestones
        assert (row["fields"]["person"] or row["fields"]["organisation"])[0] in attendees
    for history, model in ADDED_HISTORY.items():
        revisions = [
            (row["fields"]["name"], row["fields"]["history_type"]) for row in after[history]
        ]
        assert sorted(revisions) == sorted((row["fields"]["name"], "+") for row in before[model])
    for model, objects in before.items():
        after_objects = without_added_fields(model, after[model])
        assert after_objects == objects, f"{model} differs after the upgrade"
    for model in ("milestones.milestone", "meetings.meeting"):
        uids = {row["fields"]["slug"]: row["fields"]["uid"] for row in after[model]}
        assert len(set(uids.values())) == len(uids), f"{model}: two items share a uid"
        history = model.replace(".", ".historical")
        for row in after[history]:  # a revision names its item by slug, as it was then
            if row["fields"]["slug"] in uids:
                assert row["fields"]["uid"] == uids[row["fields"]["slug"]], history


def assert_roles_and_revisions_kept(before: dict, after: dict) -> None:
    assert {"Editor", "Publisher"} <= set(before["roles"])
    assert all(before["roles"][name] for name in ["Editor", "Publisher"])
    assert "meetings.delete_person" in before["roles"]["Editor"]  # the administrator's choice
    assert after["roles"] == before["roles"]
    assert after["memberships"] == before["memberships"] == {"edith": ["Editor"]}
    assert after["edited"] == before["edited"]
    assert after["edited"]["title"].endswith(" (edited)")
    # Imported, then revised by the curated data, then changed by the editor.
    (imported, curated, edit) = after["history"]
    assert imported == ["+", "import", None]
    assert curated[0] == "~" and curated[1].startswith("curated data ") and curated[2] is None
    assert edit == ["~", EDIT_REASON, "edith"]
    assert after["history"] == before["history"]


def assert_site_works(new: Site) -> None:
    plan = new.manage("showmigrations", "--plan")
    assert "[X]  publishing.0001_roles" in plan
    unapplied = [line for line in plan.splitlines() if not line.startswith("[X]")]
    assert not unapplied, f"migrations not applied: {unapplied}"
    new.manage("check")
    pages = json.loads(new.python(FETCH_PAGES))
    for url, (status, shows_title) in pages.items():
        assert status == 200, f"{url} answered {status}"
        if url != "/":
            assert shows_title, f"{url} does not show the edited milestone's title"


@pytest.mark.slow
@pytest.mark.parametrize("vendor", VENDORS)
def test_a_site_of_the_released_layout_upgrades_keeping_every_row_and_revision(
    released_code, empty_database, tmp_path, vendor
):
    """Seeds, curated data, an editor's change and their revisions, written by the released
    code, are all there, unchanged, after the current code migrates the database; the roles
    and the editor's group are kept; every migration is applied and the site serves pages."""
    old = Site(released_code, empty_database, tmp_path / "cache")
    new = Site(ROOT, empty_database, tmp_path / "cache")
    build_released_site(old)
    state_before, dump_before = record(old)

    upgrade(new)

    state_after, dump_after = record(new)
    assert_every_row_kept(state_before, state_after)
    assert_same_content(dump_before, dump_after)
    assert_roles_and_revisions_kept(state_before, state_after)
    assert_site_works(new)
