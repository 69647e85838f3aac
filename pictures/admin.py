"""The editors' desk for pictures. thumbnail_html() is for other admins to reuse."""

from django.contrib import admin
from django.utils.html import format_html

from pictures.forms import PictureForm
from pictures.models import Picture
from translations.desk import side_by_side, simplified_fieldset, translated_search_fields


def _fit(width, height, box: int) -> tuple[int | None, int | None]:
    """Width and height scaled down (never up) to fit a box of box × box pixels."""
    if not width or not height:
        return width, height
    scale = min(1.0, box / width, box / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _img_html(picture, rendition_name: str, box: int, css_class: str) -> str:
    if picture is None or not picture.image:
        return ""
    rendition = picture.rendition(rendition_name)
    width, height = _fit(rendition.width, rendition.height, box)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}" class="{}">',
        rendition.url,
        width or "",
        height or "",
        picture.alt,
        css_class,
    )


def thumbnail_html(picture, box: int = 96) -> str:
    """An <img> of the picture's thumbnail rendition, fitted into box × box pixels, with its
    width, height and alt text; "" without a picture. For list_display or readonly fields."""
    return _img_html(picture, "thumbnail", box, "picture-thumbnail")


@admin.register(Picture)
class PictureAdmin(admin.ModelAdmin):
    form = PictureForm
    list_display = ["list_thumbnail", "__str__", "is_decorative", "dimensions", "credit"]
    list_display_links = ["list_thumbnail", "__str__"]
    list_filter = ["is_decorative"]
    search_fields = [*translated_search_fields(Picture, ["alt_text", "caption", "credit"]), "slug"]
    list_per_page = 50
    readonly_fields = ["preview", "width", "height", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["image", "preview", ("width", "height")]}),
        (
            "Description",
            {
                "fields": side_by_side(Picture, ["alt_text", "is_decorative", "caption", "credit"]),
                "description": "Alt text is read to people who cannot see the picture; the "
                "caption and credit are shown to everyone under it.",
            },
        ),
        simplified_fieldset(Picture),
        (
            "Advanced",
            {"classes": ["collapse"], "fields": ["slug", "created_at", "updated_at"]},
        ),
    ]

    @admin.display(description="Picture")
    def list_thumbnail(self, obj):
        return thumbnail_html(obj, box=96)

    @admin.display(description="Size (pixels)")
    def dimensions(self, obj):
        if not obj.width or not obj.height:
            return "–"
        return f"{obj.width} × {obj.height}"

    @admin.display(description="Preview")
    def preview(self, obj):
        if obj is None or not obj.pk or not obj.image:
            return "Shown here once the picture is saved."
        return _img_html(obj, "medium", 480, "picture-preview")
