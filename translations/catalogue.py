"""The Simplified Chinese interface catalogue, made from the Traditional one with OpenCC.

Pure text, no Django: `simplified_catalogue(po_text)` converts every translation (msgstr)
of a gettext catalogue and leaves the English (msgid, msgctxt) and comments as they are.
`manage.py make_simplified_catalogue` writes locale/zh_Hans from locale/zh_Hant; a test
keeps the two from drifting apart.
"""

from __future__ import annotations

import re

from .languages import to_simplified

_STRING = re.compile(r'^(\s*(?:msgstr(?:\[\d+\])?\s+)?)"(.*)"\s*$')


def simplified_catalogue(po_text: str) -> str:
    out = []
    in_translation = False
    for line in po_text.splitlines():
        if line.startswith("msgstr"):
            in_translation = True
        elif not line.startswith('"'):
            in_translation = False
        match = _STRING.match(line) if in_translation else None
        if match:  # the header's ASCII fields come through unchanged
            line = f'{match.group(1)}"{to_simplified(match.group(2))}"'
        out.append(line)
    text = "\n".join(out) + "\n"
    return text.replace('"Language: zh_Hant\\n"', '"Language: zh_Hans\\n"')
