"""Form widgets: of the public pages (LongSelect), and of the desk (LoadedAutocompleteSelect)."""

import html

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from translations.text import lang_attribute


class LongSelect(forms.Select):
    """A <select> for lists that grow with the history (every organisation at a meeting).

    Django's Select renders one template per option, plus one for its attributes: at 232
    organisations that was 31 ms of the meetings page's 50; one loop in one template, 8 ms;
    still two thirds of the page at 200 organisations. This one writes the options in
    Python, as that template did: the same HTML (each option's label marked with its
    language where it is not the page's), without per-option attributes, which these lists
    do not use.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}  # emptied once one is
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        language = get_language()  # once, not for every option's lang attribute
        options = []
        for choice, label in self.choices:
            if isinstance(label, list | tuple):  # a group: (its name, its choices)
                inner = "".join(_option(c, text, selected, language) for c, text in label)
                options.append(f'<optgroup label="{_escape(choice)}">{inner}</optgroup>')
            else:
                options.append(_option(choice, label, selected, language))
        written = mark_safe("".join(options))  # noqa: S308 (each value and label escaped below)
        return format_html('<select name="{}"{}>{}</select>', name, attributes, written)


def _escape(text) -> str:
    """Django's conditional_escape (safe HTML as it is, anything else escaped as escape()
    does), without the lazy-string wrapper around each call: a widget of hundreds of
    options called it four times an option."""
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _option(choice, label, selected: set, language: str) -> str:
    """One <option>; selected if its value is in `selected`, which is then emptied: one
    selected option, as Django's Select has. `language`: the page's."""
    value = "" if choice is None else str(choice)
    chosen = value in selected
    if chosen:
        selected.clear()
    marks = " selected" if chosen else ""
    if value:
        marks += lang_attribute(label, language)
    return f'<option value="{_escape(value)}"{marks}>{_escape(label)}</option>'


class LoadedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete <select>, rendering the selected object it was given
    (`loaded`: the row's related object, fetched with the inline's rows) instead of asking
    the database for it: on a meeting's page, two queries fewer per attendance. Given
    another value (a form sent back with a different choice), it asks as Django's does."""

    loaded = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if self.loaded is None or selected != {str(self.loaded.pk)}:
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, selected, len(options)))
        return [(None, options, 0)]
