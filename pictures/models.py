"""Pictures: an uploaded image, cleaned of metadata, with its renditions and its alt text.

Files go through the storage API only (the field's storage: save, url, delete), so a
deployment can keep them in an object store without code changes.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.text import Truncator, slugify

from pictures.processing import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PIXELS,
    RENDITION_EXTENSION,
    RENDITION_WIDTHS,
    ProcessedImage,
    describe_size,
    make_renditions,
    process_upload,
)
from translations.fields import Translations
from translations.text import Translatable

logger = logging.getLogger(__name__)

ALT_TEXT_REQUIRED = (
    "Describe what the picture shows for people who cannot see it, or tick “Decorative” if it "
    "adds nothing to the text around it."
)


IMAGE_CLEANING_NOTE = (
    "Location, camera and other hidden details are removed, and the picture is turned upright."
)


def upload_limits() -> dict[str, int]:
    """The limits for uploads, from settings PICTURES_MAX_BYTES and PICTURES_MAX_PIXELS."""
    return {
        "max_bytes": getattr(settings, "PICTURES_MAX_BYTES", DEFAULT_MAX_BYTES),
        "max_pixels": getattr(settings, "PICTURES_MAX_PIXELS", DEFAULT_MAX_PIXELS),
    }


def describe_limits() -> str:
    limits = upload_limits()
    return (
        f"JPEG, PNG or WebP, up to {describe_size(limits['max_bytes'])} and "
        f"{limits['max_pixels'] / 1_000_000:g} million pixels."
    )


class ProcessedUpload(ContentFile):
    """The cleaned bytes of an upload, carrying the ProcessedImage so it is decoded once."""

    def __init__(self, processed: ProcessedImage, name: str) -> None:
        super().__init__(processed.content, name=name)
        self.processed = processed


def clean_file_name(name: str, extension: str) -> str:
    """A safe base name for storage: the upload's stem, slugified, with the real extension."""
    stem = slugify(PurePosixPath(name or "").stem)[:60].strip("-")
    return f"{stem or 'picture'}{extension}"


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int | None
    height: int | None


class PictureManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Picture(Translatable, models.Model):
    slug = models.SlugField(
        max_length=80,
        unique=True,
        blank=True,
        help_text="A short unique name used in data exports. Filled in from the file name if "
        "left empty.",
    )
    image = models.FileField(
        "image",
        upload_to="pictures/%Y/%m/",
        max_length=255,
        help_text=f"JPEG, PNG or WebP. {IMAGE_CLEANING_NOTE}",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for people who cannot see it (screen readers read "
        "it aloud). One or two plain sentences, without “picture of”; say what matters for "
        "the history, e.g. “Aerial view of the Lok Ma Chau Loop with the Shenzhen River to "
        "the north”. Leave empty only for a decorative picture.",
    )
    alt_text_translations = Translations("alt_text")
    is_decorative = models.BooleanField(
        "decorative",
        default=False,
        help_text="Tick only if the picture adds no information (an ornament or background "
        "texture): screen readers will then skip it.",
    )
    caption = models.CharField(
        max_length=500, blank=True, help_text="Shown under the picture on the public site."
    )
    caption_translations = Translations("caption")
    credit = models.CharField(
        max_length=200,
        blank=True,
        help_text="Photographer or source, e.g. “Photo: Innovation, Technology and Industry "
        "Bureau”.",
    )
    credit_translations = Translations("credit")
    width = models.PositiveIntegerField(
        null=True, editable=False, help_text="Of the stored image, in pixels."
    )
    height = models.PositiveIntegerField(
        null=True, editable=False, help_text="Of the stored image, in pixels."
    )
    renditions = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text='Resized copies: {"thumbnail": {"name", "width", "height"}, "medium": …, '
        '"large": …}; names are storage names.',
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = PictureManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="pictures_picture_alt_text_unless_decorative",
                condition=Q(is_decorative=True) | GreaterThan(Length(Trim("alt_text")), 0),
                violation_error_message=ALT_TEXT_REQUIRED,
            ),
            models.CheckConstraint(
                name="pictures_picture_has_image",
                condition=~Q(image=""),
                violation_error_message="Choose a picture to upload.",
            ),
        ]

    def __str__(self) -> str:
        label = self.alt_text or self.caption or self.slug or self.image.name or "Picture"
        return Truncator(label).chars(70)

    def save(self, *args, **kwargs) -> None:
        """Save; with a new image, store its cleaned copy and renditions first.

        A new image that was not checked by PictureForm is checked here, so UploadError (a
        ValueError) can be raised. If the row cannot be saved, the files just stored are
        deleted; files the picture replaced are deleted once the transaction commits.
        """
        if not self._has_new_image():
            if not self.slug:
                self.slug = self._unique_slug(self.image.name)
            super().save(*args, **kwargs)
            return

        upload = self.image.file
        upload_name = self.image.name
        processed = getattr(upload, "processed", None)
        if processed is None:
            processed = process_upload(upload, **upload_limits())
        if not self.slug:
            self.slug = self._unique_slug(upload_name)
        replaced = self._stored_names_in_database()

        before = (self.renditions, self.width, self.height)
        new_names: list[str] = []
        try:
            new_names = self._store(processed, upload_name)
            super().save(*args, **kwargs)
        except BaseException:
            _delete_from_storage(self.image.storage, new_names)
            # As it was, so that saving again (say, with the alt text fixed) stores anew.
            self.image = ProcessedUpload(processed, upload_name)
            self.renditions, self.width, self.height = before
            raise
        stale = [name for name in replaced if name not in new_names]
        if stale:
            transaction.on_commit(
                partial(_delete_from_storage, self.image.storage, stale),
                using=kwargs.get("using") or self._state.db,
                robust=True,
            )

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def clean(self) -> None:
        super().clean()
        if not self.is_decorative and not (self.alt_text or "").strip():
            raise ValidationError({"alt_text": ALT_TEXT_REQUIRED}, code="alt_text_required")

    # Reading ----------------------------------------------------------------------------

    def rendition(self, name: str) -> Rendition:
        """A rendition's URL and size; the stored image itself when it has none recorded."""
        if name not in RENDITION_WIDTHS:
            raise KeyError(f"No rendition called {name!r}; there are {list(RENDITION_WIDTHS)}.")
        recorded = (self.renditions or {}).get(name)
        if recorded:
            url = self.image.storage.url(recorded["name"])
            return Rendition(url, recorded["width"], recorded["height"])
        return Rendition(self.image.url, self.width, self.height)

    def rendition_url(self, name: str) -> str:
        return self.rendition(name).url

    @property
    def thumbnail(self) -> Rendition:
        return self.rendition("thumbnail")

    @property
    def medium(self) -> Rendition:
        return self.rendition("medium")

    @property
    def large(self) -> Rendition:
        return self.rendition("large")

    @property
    def srcset(self) -> str:
        """ "url 320w, url 800w, url 1600w": one entry per distinct width, narrowest first."""
        entries = {}
        for recorded in (self.renditions or {}).values():
            entries.setdefault(recorded["width"], self.image.storage.url(recorded["name"]))
        return ", ".join(f"{url} {width}w" for width, url in sorted(entries.items()))

    @property
    def alt(self) -> str:
        """The alt attribute: empty for a decorative picture."""
        return "" if self.is_decorative else self.local.alt_text

    def stored_file_names(self) -> list[str]:
        """Every storage name this picture uses: the image, then its renditions (distinct)."""
        names = [self.image.name] if self.image else []
        for recorded in (self.renditions or {}).values():
            if recorded.get("name") and recorded["name"] not in names:
                names.append(recorded["name"])
        return names

    # Storing ----------------------------------------------------------------------------

    def _has_new_image(self) -> bool:
        return bool(self.image) and not self.image._committed

    def _stored_names_in_database(self) -> list[str]:
        if self.pk is None:
            return []
        stored = Picture.objects.filter(pk=self.pk).first()
        return stored.stored_file_names() if stored else []

    def _store(self, processed: ProcessedImage, upload_name: str) -> list[str]:
        """Store the cleaned image and its renditions; return the storage names written."""
        storage = self.image.storage
        written: list[str] = []
        try:
            self.image.save(
                clean_file_name(upload_name, processed.extension),
                ContentFile(processed.content),
                save=False,
            )
            written.append(self.image.name)
            base = str(PurePosixPath(self.image.name).with_suffix(""))
            by_width: dict[int, str] = {}
            renditions = {}
            for name, (content, width, height) in make_renditions(processed.image).items():
                if width not in by_width:
                    by_width[width] = storage.save(
                        f"{base}-{width}w{RENDITION_EXTENSION}",
                        ContentFile(content),
                        max_length=self._meta.get_field("image").max_length,
                    )
                    written.append(by_width[width])
                renditions[name] = {"name": by_width[width], "width": width, "height": height}
        except BaseException:
            _delete_from_storage(storage, written)
            raise
        self.renditions = renditions
        self.width, self.height = processed.width, processed.height
        return written

    def _unique_slug(self, source: str | None) -> str:
        stem = PurePosixPath(source or "").stem
        base = (slugify(stem) or slugify(self.alt_text) or "picture")[:70].strip("-") or "picture"
        others = Picture.objects.exclude(pk=self.pk) if self.pk else Picture.objects.all()
        candidate, number = base, 1
        while others.filter(slug=candidate).exists():
            number += 1
            candidate = f"{base}-{number}"
        return candidate


def _delete_from_storage(storage, names) -> None:
    for name in names:
        if name:
            storage.delete(name)


DELETE_FILES_UID = "pictures_delete_files_with_picture"


@receiver(post_delete, sender=Picture, dispatch_uid=DELETE_FILES_UID)
def _delete_files_with_picture(sender, instance, using, **kwargs) -> None:
    """Deleting a picture (also in bulk, from the admin) deletes its files after commit."""
    transaction.on_commit(
        partial(_delete_from_storage, instance.image.storage, instance.stored_file_names()),
        using=using,
        robust=True,
    )


@contextmanager
def keeping_files():
    """Within this block, deleting Picture rows leaves their files in place (a restore
    decides itself which files stay: the archive's may have the same names)."""
    disconnected = post_delete.disconnect(sender=Picture, dispatch_uid=DELETE_FILES_UID)
    try:
        yield
    finally:
        if disconnected:
            post_delete.connect(
                _delete_files_with_picture, sender=Picture, dispatch_uid=DELETE_FILES_UID
            )
