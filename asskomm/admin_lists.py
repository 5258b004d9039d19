"""What each row of a staff admin list costs: a format string per checkbox, 50 rows a page.

Django renders the action checkbox of every row through the form widget templates: at 100 rows
a page that was about a quarter of a list's time (bench/scale.py, issue #9). The mixin returns the
same HTML from one ``format_html``.
"""

from typing import Any

from django.contrib.admin import helpers
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class ListRowsMixin:
    """For a ModelAdmin (before it in the bases): the row checkbox without the template engine,
    and 50 rows a page.

    Drawing the rows is most of a list's time (about half at 100 rows: each cell goes through
    ``items_for_result``, each row reverses its URL). Lists that grow with the data (10,000
    municipalities, 100,000 applications at the scale of all of Germany) are searched and
    filtered rather than paged through; 50 rows a page halve what each page costs.
    """

    list_per_page = 50

    def action_checkbox(self, obj: Any) -> SafeString:
        # As django.contrib.admin.ModelAdmin.action_checkbox renders it (Django's own msgid).
        label = format_html(_("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )
