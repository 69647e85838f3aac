"""/healthz for load balancers and monitors, answered before anything else runs.

First in MIDDLEWARE, so that a probe is never redirected to HTTPS (load balancers probe
plain HTTP), never served from or stored in the page cache, and answered whatever Host it
names (a probe often sends the server's own address, which ALLOWED_HOSTS rightly refuses
for pages). It reads nothing the request sends, so answering it this way is safe.
"""

from django.http import JsonResponse
from django.utils.cache import add_never_cache_headers

from operations.health import health, is_healthy

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        report = health()
        response = JsonResponse(report, status=200 if is_healthy(report) else 503)
        add_never_cache_headers(response)
        return response
