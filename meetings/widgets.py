"""Form widgets of the public pages."""

from django import forms


class LongSelect(forms.Select):
    """A <select> for lists that grow with the history (every organisation at a meeting).

    Django's Select renders one template per option, plus one for its attributes: at 232
    organisations that was 31 ms of the meetings page's 50. This one writes the options in
    one loop of its own template (widgets/long_select.html). Same HTML, minus the per-option
    attributes, which these lists do not use.
    """

    template_name = "widgets/long_select.html"
