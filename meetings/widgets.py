"""Form widgets: of the public pages (LongSelect), and of the desk (LoadedAutocompleteSelect)."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect


class LongSelect(forms.Select):
    """A <select> for lists that grow with the history (every organisation at a meeting).

    Django's Select renders one template per option, plus one for its attributes: at 232
    organisations that was 31 ms of the meetings page's 50. This one writes the options in
    one loop of its own template (widgets/long_select.html). Same HTML, minus the per-option
    attributes, which these lists do not use.
    """

    template_name = "widgets/long_select.html"


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
