"""The self-hosted TimelineJS is the version package.json pins, copied whole from npm.

`scripts/vendor-timelinejs.sh` copies it from node_modules (installed by `make test`'s
`npm ci`) into hsitp_site/static/vendor/timelinejs/, dropping only the sourceMappingURL
comments; a version bump without a fresh copy, or a hand edit of the copy, fails here.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "hsitp_site" / "static" / "vendor" / "timelinejs"
NPM = ROOT / "node_modules" / "@knight-lab" / "timelinejs"
# The copy (relative to VENDOR) and its original (relative to the package).
FILES = {
    "js/timeline.js": "dist/js/timeline.js",
    "css/timeline.css": "dist/css/timeline.css",
    "js/locale/zh-tw.json": "dist/js/locale/zh-tw.json",
    "js/locale/zh-cn.json": "dist/js/locale/zh-cn.json",
    "LICENSE": "LICENSE",
    **{
        f"css/icons/tl-icons.{ext}": f"dist/css/icons/tl-icons.{ext}"
        for ext in ("eot", "svg", "ttf", "woff", "woff2")
    },
}
SOURCE_MAP = re.compile(rb"(//# sourceMappingURL=\S+\n?|/\*# sourceMappingURL=[^*]*\*/)")


@pytest.fixture(scope="module")
def package():
    if not (NPM / "package.json").exists():
        pytest.fail(f"{NPM} is missing: run `npm ci` (make test does).")
    return json.loads((NPM / "package.json").read_text())


def test_the_copy_is_the_version_package_json_pins(package):
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert pinned["@knight-lab/timelinejs"] == package["version"]
    assert (VENDOR / "VERSION").read_text().strip() == package["version"]


@pytest.mark.parametrize("copy", sorted(FILES))
def test_each_file_is_npms_without_its_source_map_comment(package, copy):
    original = SOURCE_MAP.sub(b"", (NPM / FILES[copy]).read_bytes())
    assert (VENDOR / copy).read_bytes() == original, f"run scripts/vendor-timelinejs.sh ({copy})"


def test_nothing_else_is_shipped():
    """What is served is what the visual timeline loads, its licence and its version."""
    shipped = {str(path.relative_to(VENDOR)) for path in VENDOR.rglob("*") if path.is_file()}
    assert shipped == {*FILES, "VERSION", "js/timeline.js.LICENSE.txt"}
