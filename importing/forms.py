"""Forms of the editors' desk."""

from django import forms

from importing.documents import PASTED_PREFIX, SeedError, decode_text, document_from_text
from importing.registry import importers

MAX_TEXT = 1_000_000  # characters: a release is some thousands, the timeline seed 18,000


class DeskImportForm(forms.Form):
    """Paste a release (or upload its text file) with its publication date."""

    text = forms.CharField(
        label="Text of the document",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Paste a press release (or a timeline: one milestone per paragraph).",
    )
    upload = forms.FileField(
        label="…or upload its text file", required=False, help_text="A UTF-8 .txt file."
    )
    name = forms.CharField(required=False, widget=forms.HiddenInput)
    published_on = forms.DateField(
        label="Published on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The date the release was issued: a meeting takes its year from it. "
        "Without it, the meeting's date stays unknown.",
    )
    kind = forms.ChoiceField(
        label="Read it as",
        required=False,
        choices=[],
        help_text="Leave it to the importer, which refuses a document that looks like both "
        "kinds or neither; or say which it is.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            ("", "Whatever it looks like"),
            *((importer.kind, importer.description) for importer in importers()),
        ]

    def explain(self, error: SeedError) -> str:
        """An importer's refusal in the editor's words: pasted text has no file name."""
        if self.cleaned_data.get("upload") or not error.path.startswith(PASTED_PREFIX):
            return str(error)
        where = f"Line {error.line} of the pasted text" if error.line else "The pasted text"
        return f"{where}: {error.message}"

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("upload"), cleaned.get("text", "")
        name = cleaned.get("name", "")
        try:
            if upload:
                name = upload.name
                if upload.size > MAX_TEXT * 4:
                    raise forms.ValidationError(
                        f"{name}: the file is larger than a document can be ({MAX_TEXT:,} "
                        "characters)."
                    )
                text = decode_text(upload.read(), name)
            if not text.strip():
                raise forms.ValidationError("Paste the text or choose a file.")
            cleaned["document"] = document_from_text(
                text, name=name, published_on=cleaned.get("published_on")
            )
        except SeedError as error:
            raise forms.ValidationError(str(error)) from None
        cleaned["text"], cleaned["name"] = text, cleaned["document"].name
        return cleaned
