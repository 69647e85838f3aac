"""What the timeline shows beside the milestones of a year: the meetings held that year.

The timeline's app (milestones) must not import the apps below it in the history's story
(meetings imports milestones), so those apps register what they have by year from their
ready(), as texts' mentions are registered (`publishing.mentions`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# kind -> fetch(years) -> {year: [items]}: one query for all the years asked.
_alongside: dict[str, Callable[[set[int]], dict[int, list]]] = {}


def register_alongside(kind: str, fetch: Callable[[set[int]], dict[int, list]]) -> None:
    """Show items of this kind beside the milestones of their year (again: replaces)."""
    _alongside[kind] = fetch


def alongside(years: Iterable[int]) -> dict[int, dict[str, list]]:
    """{year: {kind: [items]}} for `years`: one query per kind registered."""
    years = {year for year in years if year}
    found: dict[int, dict[str, list]] = {}
    if not years:
        return found
    for kind, fetch in _alongside.items():
        for year, items in fetch(years).items():
            found.setdefault(year, {})[kind] = items
    return found
