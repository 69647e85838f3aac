"""Small pure text helpers shared by the importers (fingerprints, slugs) and the limit on a
reader's words. What the parsers need is in words.py (standard library only)."""

import hashlib
import re

from django.utils.text import slugify

from publishing.words import normalise_space

# The longest words a reader's query is read to (search, the timeline's words filter):
# longer input is cut, so that hostile input stays cheap.
MAX_QUERY_LENGTH = 200


def fingerprint(text: str) -> str:
    """SHA-256 of the whitespace-normalised text: equal for texts differing only in spacing."""
    # surrogatepass: any str has a fingerprint, even one with a lone surrogate in it.
    return hashlib.sha256(normalise_space(text).encode("utf-8", "surrogatepass")).hexdigest()


def slug_base(text: str, *, length: int = 60, fallback: str = "item") -> str:
    """The slug `text` gives before any number is added: slugified, cut at a word boundary."""
    base = slugify(text)
    if len(base) > length:
        base = base[: length + 1].rsplit("-", 1)[0]
    return base or fallback


def unique_slug(
    text: str,
    taken: set[str],
    *,
    length: int = 60,
    fallback: str = "item",
    counters: dict[str, int] | None = None,
) -> str:
    """A slug from `text`, cut at a word boundary, not in `taken` (which it then joins).

    `counters` (a dict kept across calls) remembers the last number tried for each base, so
    that many texts with the same start cost one step each, not one per earlier namesake."""
    base = slug_base(text, length=length, fallback=fallback)
    counter = counters.get(base, 2) if counters is not None else 2
    slug = base
    while slug in taken:
        slug = _numbered(base, counter, length)
        counter += 1
    if counters is not None:
        counters[base] = counter
    taken.add(slug)
    return slug


def _numbered(base: str, counter: int, length: int) -> str:
    suffix = f"-{counter}"
    return base[: length - len(suffix)].rstrip("-") + suffix


def is_derived_slug(
    slug: str, text: str, *, length: int = 60, fallback: str = "item", field_length: int = 0
) -> bool:
    """Whether `slug` is what `text` gives: `unique_slug(text, ..., length=length)`, numbered
    or not, or the admin's add form (which cuts the slugified text at the field's length,
    `field_length`, mid-word, and numbers nothing). A slug that is neither was set by hand.
    """
    base = slug_base(text, length=length, fallback=fallback)
    if slug == base:
        return True
    numbered = re.fullmatch(r"(.+)-([2-9]|[1-9][0-9]+)", slug)
    if numbered and slug == _numbered(base, int(numbered[2]), length):
        return True
    typed = slugify(text)[:field_length].rstrip("-")
    return bool(field_length and typed and slug == typed)
