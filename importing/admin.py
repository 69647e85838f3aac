"""The import page joins the editors' desk (publishing/sites.py), as models join the admin."""

from functools import partial

from django.contrib import admin

from importing.registry import desk_permissions
from importing.views import desk_import_view
from publishing.sites import DeskPage

admin.site.add_page(
    DeskPage(
        route="import/",
        view=partial(desk_import_view, site=admin.site),
        name="desk_import",
        label="Import a press release",
        permissions=desk_permissions,
    )
)
