"""The site's settings, with a URLconf that adds the benchmark's trivial view (bench/urls.py).

Only the benchmark uses this module (DJANGO_SETTINGS_MODULE=bench.settings); production
URLs never contain the trivial view.
"""

from hsitp_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
