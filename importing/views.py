"""The desk's import page: paste or upload a document, see what the importer would do, then
import drafts. The same service as `import_seeds`: a dry run first, the real run on
confirmation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from importing.documents import SeedError
from importing.forms import DeskImportForm
from importing.registry import desk_permissions
from importing.runner import import_documents
from importing.templatetags.desk_import import desk_url


def desk_import_view(request, *, site):
    """/admin/import/ (admin:desk_import), shown inside the admin `site`."""
    if not request.user.has_perms(desk_permissions()):
        raise PermissionDenied(
            "Importing needs the right to add milestones and meetings, which editors and "
            "publishers have: ask an administrator to give you the Editor role."
        )
    form = DeskImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        confirmed = "confirm" in request.POST
        try:
            report = import_documents(
                [form.cleaned_data["document"]],
                dry_run=not confirmed,
                kind=form.cleaned_data.get("kind") or None,
            )
        except SeedError as error:
            form.add_error(None, form.explain(error))
        else:
            if confirmed:
                message_user_on(request, report)
                return redirect(f"{site.name}:index")
    context = {
        **site.each_context(request),
        "title": "Import a document",
        "form": form,
        "report": report,
    }
    return TemplateResponse(request, "admin/desk_import.html", context)


def message_user_on(request, report) -> None:
    if report.changed_anything:
        made = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((desk_url(r.record), r.record) for r in report.readings if r.record is not None),
        )
        messages.success(
            request, format_html("Imported as drafts: {}. {}", made or "—", report.summary())
        )
    else:
        messages.warning(
            request, f"Nothing to import: all of it is here already. {report.summary()}"
        )
    for warning in report.warnings:
        messages.warning(request, warning)
