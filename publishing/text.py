"""Small pure text helpers shared by the importers (fingerprints, slugs) and the limit on a
reader's words. What the parsers need is in words.py (standard library only)."""

import hashlib

from django.utils.text import slugify

from publishing.words import normalise_space

# The longest words a reader's query is read to (search, the timeline's words filter):
# longer input is cut, so that hostile input stays cheap.
MAX_QUERY_LENGTH = 200


def fingerprint(text: str) -> str:
    """SHA-256 of the whitespace-normalised text: equal for texts differing only in spacing."""
    # surrogatepass: any str has a fingerprint, even one with a lone surrogate in it.
    return hashlib.sha256(normalise_space(text).encode("utf-8", "surrogatepass")).hexdigest()


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
    base = slugify(text)
    if len(base) > length:
        base = base[: length + 1].rsplit("-", 1)[0]
    base = base or fallback
    counter = counters.get(base, 2) if counters is not None else 2
    slug = base
    while slug in taken:
        suffix = f"-{counter}"
        slug = base[: length - len(suffix)].rstrip("-") + suffix
        counter += 1
    if counters is not None:
        counters[base] = counter
    taken.add(slug)
    return slug
