"""The tables and normalisers every reader of English text here shares: standard library
only, so that the parsers, which import nothing else, may use them (meetings/parsing.py)."""

import re

_SPACE = re.compile(r"\s+")

# English month names as the sources write them, January first, and every way of writing
# each in lower case: the full name, its first three letters, "sept".
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTHS = {
    **{name.lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    **{name[:3].lower(): number for number, name in enumerate(MONTH_NAMES, start=1)},
    "sept": 9,
}


def normalise_space(text: str) -> str:
    """Collapse every run of white space (including non-breaking spaces) to one space."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ")).strip()
