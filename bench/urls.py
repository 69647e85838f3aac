"""The site's URLs plus /bench/trivial/: the baseline every page's time is divided by."""

from django.http import HttpResponse
from django.urls import path

from hsitp_site.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """As little as a Django view can do, behind the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial, name="bench-trivial"), *site_urlpatterns]
