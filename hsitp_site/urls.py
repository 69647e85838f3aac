"""Top-level URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import path

from hsitp_site import views

admin.site.site_header = "HSITP History: editors' desk"
admin.site.site_title = "HSITP History admin"
admin.site.index_title = "Curate the park's history"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
