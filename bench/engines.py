"""Django's templates against Jinja2, on the part of a page that grows with the history.

Issue 16 asked whether Jinja2 (through Django's backend) would pay where the fragments of
pages do not. This renders the timeline's hundred entries (the markup of
`milestones/timeline.html`'s `timeline_entry`, with the site's own filters: `date_time`,
`content_lang`, `excerpt`) with each engine, and the same hundred entries through the
`fragments` cache as the site serves them, and prints the medians:

    python bench/engines.py [--milestones 10000] [--runs 200]

on a fresh SQLite database in a temporary folder (migrated, then `generate_history`).
It prints its figures; it asserts nothing (bench/README.md, "Templates").
"""

from __future__ import annotations

import argparse
import html
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTRY = """
<li class="entry">
  <span class="entry__date">{{ milestone|date_time }}</span>
  <h3 class="entry__title"{% content_lang milestone.local.title %}>
    <a href="{{ milestone.get_absolute_url }}">{{ milestone.local.title }}</a></h3>
  {% with body=milestone.local.body %}
  <p{% content_lang body %}>{{ body|excerpt:40 }}</p>{% endwith %}
</li>"""
ENTRY_DJANGO = "{% load site_tags %}{% for milestone in milestones %}" + ENTRY + "{% endfor %}"
CACHED_DJANGO = (
    "{% load cache site_tags %}{% for milestone in milestones %}"
    '{% cache None bench_entry milestone|fragment_version "en" using="fragments" %}'
    + ENTRY
    + "{% endcache %}{% endfor %}"
)
ENTRY_JINJA2 = """{% for milestone in milestones %}
<li class="entry">
  <span class="entry__date">{{ milestone|date_time }}</span>
  <h3 class="entry__title"{{ content_lang(milestone.local.title) }}>
    <a href="{{ milestone.get_absolute_url() }}">{{ milestone.local.title }}</a></h3>
  {% set body = milestone.local.body %}<p{{ content_lang(body) }}>{{ body|excerpt(40) }}</p>
</li>{% endfor %}"""


def setup(milestones: int, folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hsitp_site.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-key-not-a-secret-0123456789abcdef")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/engines.sqlite3"
    os.environ["DJANGO_CACHE_DIR"] = f"{folder}/cache"
    os.environ["DJANGO_LOG_LEVEL"] = "ERROR"
    import django

    django.setup()
    from django.core.management import call_command

    from operations.synthetic import generate_history

    call_command("migrate", verbosity=0)
    generate_history(milestones=milestones, meetings=10)


def timed(render, runs: int) -> float:
    """Median milliseconds of `render()` over `runs` calls (after two to warm up)."""
    render()
    render()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def _text(markup: str) -> str:
    return " ".join(html.unescape(markup).split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--milestones", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup(args.milestones, folder)
        measure(args.runs)


def measure(runs: int) -> None:
    import jinja2
    from django.template import engines

    from hsitp_site.templatetags import site_tags
    from milestones.models import Milestone

    published = Milestone.objects.published().select_related("lead_image")
    milestones = list(published.order_by("sort_key")[:100])
    django_engine = engines["django"]
    plain = django_engine.from_string(ENTRY_DJANGO)
    cached = django_engine.from_string(CACHED_DJANGO)
    environment = jinja2.Environment(autoescape=True)
    environment.filters.update(date_time=site_tags.date_time, excerpt=site_tags.excerpt)
    environment.globals.update(content_lang=site_tags.content_lang)
    jinja = environment.from_string(ENTRY_JINJA2)
    context = {"milestones": milestones}

    # The same text; the escapes may differ (Django writes ' as &#x27;, Jinja2 as &#39;).
    same = _text(plain.render(context)) == _text(jinja.render(context))
    figures = {
        "Django templates": timed(lambda: plain.render(context), runs),
        "Jinja2": timed(lambda: jinja.render(context), runs),
        "Django templates, fragments cached": timed(lambda: cached.render(context), runs),
    }
    print(f"The timeline's {len(milestones)} entries, median of {runs} renders:")  # noqa: T201
    for name, ms in figures.items():
        print(f"  {name:<36} {ms:7.2f} ms")  # noqa: T201
    print(f"  same markup from both engines: {'yes' if same else 'NO'}")  # noqa: T201


if __name__ == "__main__":
    main()
