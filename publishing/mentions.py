"""Cross-links: people and organisations mentioned in a text link to their pages.

The matching is pure (no database): the caller passes the targets it may link to; or asks
`mention_targets(text)` for those of every kind an app registered (`register_mentionable`,
from its ready(): meetings registers its people and organisations), so that a text's app
need not import the apps whose pages it links to.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from translations.languages import has_han, to_simplified

MIN_ABBREVIATION = 3  # "IT" or "HK" would match too much


@dataclass(frozen=True)
class Target:
    names: tuple[str, ...]  # the full name, and an abbreviation if any
    url: str


# Callables returning a QuerySet with `mentioned_in(text)` and `mention_targets()`: the
# public ones of a kind of thing that texts may mention, in the order they were registered.
_mentionables: dict[str, Callable] = {}


def register_mentionable(kind: str, public_queryset: Callable) -> None:
    """Texts may mention things of this kind (registering a kind again replaces it)."""
    _mentionables[kind] = public_queryset


def mention_targets(text: str) -> list[Target]:
    """What `text` mentions among everything registered (a query per kind)."""
    return [
        target
        for public_queryset in _mentionables.values()
        for target in public_queryset().mentioned_in(text).mention_targets()
    ]


def mention_names(name: str, abbreviation: str = "", *translations: str) -> tuple[str, ...]:
    """The names a text may mention a thing by: its name, an abbreviation long enough not
    to match too much, and its names in other languages (in either script of Chinese)."""
    names = [name]
    if len(abbreviation) >= MIN_ABBREVIATION:
        names.append(abbreviation)
    for translation in translations:
        names += [translation, to_simplified(translation)]
    return tuple(dict.fromkeys(n for n in names if n))


def _pattern(names) -> re.Pattern | None:
    """Latin names as whole words; Chinese ones anywhere (Chinese has no spaces)."""
    if not names:
        return None
    names = sorted(names, key=len, reverse=True)
    parts = []
    latin = "|".join(re.escape(n) for n in names if not has_han(n))
    if latin:
        parts.append(rf"(?<![\w-])(?:{latin})(?![\w-])")
    parts += [re.escape(n) for n in names if has_han(n)]
    return re.compile("|".join(parts))


def mentions(text: str, names) -> bool:
    """Whether `text` mentions any of `names` as whole words."""
    pattern = _pattern(tuple(names))
    return bool(pattern and pattern.search(text))


def link_mentions(text: str, targets: list[Target]) -> SafeString:
    """Escape `text`, linking the first mention of each target; paragraphs become <p>."""
    url_of = {name: target.url for target in targets for name in target.names}
    pattern = _pattern(tuple(url_of))
    linked: set[str] = set()

    def paragraph(chunk: str) -> str:
        if pattern is None:
            return escape(chunk)
        out, position = [], 0
        for match in pattern.finditer(chunk):
            url = url_of[match.group(0)]
            out.append(escape(chunk[position : match.start()]))
            if url in linked:
                out.append(escape(match.group(0)))
            else:
                linked.add(url)
                out.append(format_html('<a href="{}">{}</a>', url, match.group(0)))
            position = match.end()
        out.append(escape(chunk[position:]))
        return "".join(out)

    chunks = [c.strip() for c in re.split(r"\n\s*\n", text) if c.strip()]
    return mark_safe("".join(f"<p>{paragraph(chunk)}</p>" for chunk in chunks))  # noqa: S308


_RUN = re.compile(r"[\w-]+")
_WORD = re.compile(r"[\w-]")


class NameIndex:
    """Which of many things' names occur in texts, as `mentions()` would say of each: a
    Latin name as whole words of the English text, a Chinese one anywhere in the Chinese
    text. Built once for every name, it reads a text in one pass (a dictionary lookup per
    word, or per character of Chinese), not once per name, so that the whole history can
    be indexed at once (meetings/mention_index.py). Pure: no database."""

    def __init__(self, named):
        """`named`: (key, names) pairs; `found_in` answers with the keys."""
        self._keys: dict[str, set] = {}
        for key, names in named:
            for name in names:
                self._keys.setdefault(name, set()).add(key)
        # Latin names by their first run of word characters ("Hong" for "Hong Kong-..."),
        # Chinese ones by their first character, and the odd Latin name that starts with
        # punctuation by its first character too.
        self._by_run: dict[str, list[str]] = {}
        self._han: dict[str, list[str]] = {}
        self._odd: dict[str, list[str]] = {}
        for name in self._keys:
            first = _RUN.match(name)
            if has_han(name):
                self._han.setdefault(name[0], []).append(name)
            elif first:
                self._by_run.setdefault(first.group(0), []).append(name)
            else:
                self._odd.setdefault(name[0], []).append(name)

    def found_in(self, english: str, chinese: str) -> set:
        """The keys of the things `english` or `chinese` mentions."""
        found: set = set()
        if not self._keys:
            return found  # nobody to find (an import into an empty history)
        for match in _RUN.finditer(english):  # each starts after a non-word character
            start = match.start()
            for name in self._by_run.get(match.group(0), ()):
                if english.startswith(name, start) and not _WORD.match(english, start + len(name)):
                    found |= self._keys[name]
        for names, text in ((self._odd, english), (self._han, chinese)):
            if not names:
                continue
            for start, char in enumerate(text):
                for name in names.get(char, ()):
                    if text.startswith(name, start) and (
                        names is self._han or self._stands_alone(text, name, start)
                    ):
                        found |= self._keys[name]
        return found

    @staticmethod
    def _stands_alone(text: str, name: str, start: int) -> bool:
        """A Latin name that starts with punctuation still stands as whole words."""
        before = start > 0 and _WORD.match(text, start - 1)
        return not before and not _WORD.match(text, start + len(name))
