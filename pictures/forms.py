"""The admin's form for pictures: every upload is checked and cleaned before anything is stored."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

from pictures.models import (
    IMAGE_CLEANING_NOTE,
    Picture,
    ProcessedUpload,
    describe_limits,
    upload_limits,
)
from pictures.processing import CONTENT_TYPES, UploadError, process_upload


class PictureForm(forms.ModelForm):
    class Meta:
        model = Picture
        fields = ["image", "alt_text", "is_decorative", "caption", "credit", "slug"]
        widgets = {"alt_text": forms.Textarea(attrs={"rows": 2, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "image" in self.fields:
            field = self.fields["image"]
            # A hint for the file chooser only; the content decides what is accepted.
            field.widget.attrs["accept"] = ",".join(CONTENT_TYPES.values())
            field.help_text = f"{describe_limits()} {IMAGE_CLEANING_NOTE}"

    def clean_image(self):
        """Run the upload through process_upload; its refusal becomes this field's error.

        Nothing is stored here: the cleaned copy is stored when the picture is saved, which
        only happens once the whole form is valid.
        """
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged (the stored image) or empty (the field reports it)
        try:
            processed = process_upload(upload, **upload_limits())
        except UploadError as error:
            raise forms.ValidationError(error.message, code=error.code) from error
        return ProcessedUpload(processed, name=upload.name)
