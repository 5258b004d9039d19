"""What each row of a staff admin list costs: a format string per checkbox, 50 rows a page, and
the rows drawn with what is the same for every row worked out once.

Django renders the action checkbox of every row through the form widget templates: at 100 rows
a page that was about a quarter of a list's time (bench/scale.py, issue #9). The mixin returns the
same HTML from one ``format_html``. Django's ``items_for_result`` then works out for every cell
again what is the same in every row (which field or method a column shows, its CSS class, the
empty value, the change URL with the list's filters, the icons of a yes/no column): about half of
a list's time at Germany scale. ``list_rows`` draws the same HTML with those worked out once per
page (``templates/admin/change_list.html``, tag ``list_rows``).
"""

import copy
import datetime
import html
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import (  # type: ignore[attr-defined]
    ResultList,
    _boolean_icon,
    _coerce_field_name,
    date_hierarchy,
    result_headers,
    result_list,
)
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import (  # type: ignore[attr-defined]
    FieldIsAForeignKeyColumnName,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
)
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Exists, Max, Min
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import iri_to_uri
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# Stands for the primary key in the change URL worked out once per page: letters and digits
# only, which neither the admin's quote() nor reverse() changes.
PK_MARK = "0listrowspk0"


class ListRowsMixin:
    """For a ModelAdmin (before it in the bases): the row checkbox without the template engine,
    50 rows a page, and rows drawn by ``list_rows``.

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


def _escape(value: Any) -> str:
    """``conditional_escape`` without its lazy-string wrapper around every call."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


class _Column:
    """One column of ``list_display``: what ``items_for_result`` works out for every cell."""

    def __init__(self, cl: Any, index: int, name: Any, link: bool, first: bool) -> None:
        model_admin = cl.model_admin
        self.name = name
        self.classes = f"field-{_coerce_field_name(name, index)}"
        self.link = link
        self.tag = "th" if first else "td"
        self.field: Any = None
        self.call: Callable[[Any], Any] | None = None
        try:
            self.field = _get_non_gfk_field(cl.lookup_opts, name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            if callable(name):
                self.call = name
            elif hasattr(model_admin, name) and name != "__str__":
                self.call = getattr(model_admin, name)
        field = self.field
        self.by_value = field is None or field.auto_created
        self.related = field is not None and isinstance(field.remote_field, models.ManyToOneRel)
        self.yes_no = (
            field is not None
            and isinstance(field, models.BooleanField)
            and not getattr(field, "flatchoices", None)
        )
        self.nowrap = field is not None and isinstance(
            field, (models.DateField, models.TimeField, models.ForeignKey)
        )

    def lookup(self, result: Any, model_admin: Any) -> tuple[Any, Any, Any]:
        """``lookup_field`` for this column: (field, attribute, value)."""
        if self.field is not None:
            return self.field, None, getattr(result, self.name)
        if self.call is not None:
            return None, self.call, self.call(result)
        return lookup_field(self.name, result, model_admin)


class _Rows:
    """The rows of one page as ``items_for_result`` draws them, each a single string."""

    def __init__(self, cl: Any) -> None:
        self.cl = cl
        self.model_admin = cl.model_admin
        self.empty = self.model_admin.get_empty_value_display()
        self.icons = {value: _boolean_icon(value) for value in (True, False, None)}
        self.columns: list[_Column] = []
        first = True
        for index, name in enumerate(cl.list_display):
            # items_for_result's link_in_col(): the same for every row.
            link = cl.list_display_links is not None and (
                (first and not cl.list_display_links) or name in cl.list_display_links
            )
            self.columns.append(_Column(cl, index, name, link, first and link))
            if link:
                first = False
        self.url = self._change_url()

    def _change_url(self) -> str | None:
        """The escaped change URL with the list's filters, ``PK_MARK`` for the key; None when the
        model has no change URL."""
        cl = self.cl
        try:
            url = reverse(
                f"admin:{cl.opts.app_label}_{cl.opts.model_name}_change",
                args=(PK_MARK,),
                current_app=self.model_admin.admin_site.name,
            )
        except NoReverseMatch:
            return None
        context = {"preserved_filters": cl.preserved_filters, "opts": cl.opts}
        return html.escape(add_preserved_filters(context, url))

    def url_for(self, result: Any) -> str | None:
        pk = getattr(result, self.cl.pk_attname)
        if self.url is not None and type(pk) is int:
            # PK_MARK sits in the path, before any filter in the query string: the first one.
            return self.url.replace(PK_MARK, str(pk), 1)
        try:
            url = self.cl.url_for_result(result)
        except NoReverseMatch:
            return None
        context = {"preserved_filters": self.cl.preserved_filters, "opts": self.cl.opts}
        return html.escape(add_preserved_filters(context, url))

    def cell(self, column: _Column, result: Any, url: str | None) -> str:
        nowrap = False
        try:
            field, attr, value = column.lookup(result, self.model_admin)
        except ObjectDoesNotExist:
            shown: Any = self.empty
            classes = column.classes
        else:
            empty = getattr(attr, "empty_value_display", self.empty)
            if isinstance(value, str) and value.strip() == "":
                value = ""
            classes = column.classes
            if field is None or column.by_value:
                if column.name == "action_checkbox":
                    classes = "action-checkbox"
                boolean = getattr(attr, "boolean", False)
                if isinstance(attr, property) and hasattr(attr, "fget"):
                    boolean = getattr(attr.fget, "boolean", False)
                if boolean and (value is True or value is False or value is None):
                    shown = self.icons[value]
                else:
                    shown = display_for_value(value, empty, boolean)
                nowrap = isinstance(value, (datetime.date, datetime.time))
            else:
                if column.related:
                    related = getattr(result, field.name)
                    shown = empty if related is None else related
                elif column.yes_no and (value is True or value is False or value is None):
                    shown = self.icons[value]
                else:
                    shown = display_for_field(value, field, empty, avoid_link=column.link)
                nowrap = column.nowrap
        if nowrap:
            classes += " nowrap"
        if column.link:
            text = _escape(shown)
            if url is not None:
                text = f'<a href="{url}">{text}</a>'
            return f'<{column.tag} class="{classes}">{text}</{column.tag}>'
        return f'<td class="{classes}">{_escape(shown)}</td>'

    def __iter__(self) -> Iterator[ResultList]:
        columns = self.columns
        linked = any(column.link for column in columns)
        for result in self.cl.result_list:
            url = self.url_for(result) if linked else None
            row = "".join(self.cell(column, result, url) for column in columns)
            yield ResultList(None, [mark_safe(row)])  # noqa: S308 (cells escaped above)


def list_rows(cl: Any) -> dict[str, Any]:
    """``result_list`` of Django's admin, the rows drawn by ``_Rows`` for the lists of a
    ``ListRowsMixin`` admin; others (and editable lists, pop-ups) as Django draws them."""
    if not isinstance(cl.model_admin, ListRowsMixin) or cl.formset or cl.is_popup:
        return result_list(cl)
    headers = list(result_headers(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": list(_Rows(cl)),
    }


def year_hierarchy(cl: Any) -> dict[str, Any] | None:
    """Django's ``date_hierarchy`` with its first level, the years, found by one look-up per year.

    Django lists the years of a date field with a DISTINCT over every row of the list (3 ms of
    the consultations at Germany scale, bench/scale.py); after the first and last date it knows
    already, one query asks for each year in between whether it has a row (an index probe
    each). Drilled down (a year, month or day chosen) or a date-time field: Django's own; first
    and last in one year: Django's, that year opened.
    """
    field_name = cl.date_hierarchy
    field = get_fields_from_path(cl.model, field_name)[-1]
    chosen = any(cl.params.get(f"{field_name}__{part}") for part in ("year", "month", "day"))
    if chosen or isinstance(field, models.DateTimeField):
        return date_hierarchy(cl)
    rows = cl.queryset.order_by()
    span = rows.aggregate(first=Min(field_name), last=Max(field_name))
    first, last = span["first"], span["last"]
    if first is None or last is None:
        return date_hierarchy(cl)
    if first.year == last.year:
        # Django then opens that year (and month) as if chosen: the same, without asking for the
        # first and last date again.
        opened = copy.copy(cl)
        opened.params = {**cl.params, f"{field_name}__year": str(first.year)}
        if first.month == last.month:
            opened.params[f"{field_name}__month"] = str(first.month)
        return date_hierarchy(opened)
    probes = {
        f"y{year}": Exists(
            rows.filter(
                **{
                    f"{field_name}__gte": datetime.date(year, 1, 1),
                    f"{field_name}__lt": datetime.date(year + 1, 1, 1),
                }
            )
        )
        for year in range(first.year, last.year + 1)
    }
    found = rows.values(**probes)[:1].get()  # the list has rows: first and last exist
    return {
        "show": True,
        "back": None,
        "choices": [
            {
                "link": cl.get_query_string(
                    {f"{field_name}__year": str(year)}, [f"{field_name}__"]
                ),
                "title": str(year),
            }
            for year in range(first.year, last.year + 1)
            if found[f"y{year}"]
        ],
    }


def filter_items(choices: Iterable[dict[str, Any]]) -> SafeString:
    """The items of a list filter as Django's ``admin/filter.html`` loop writes them.

    A filter by Polizeidirektion has 52 choices at Germany scale, a page of the register three or
    four such filters: the template loop (a context, the ``iriencode`` filter and escaping per
    item) cost 2-3 ms of a list."""
    items = []
    for choice in choices:
        selected = ' class="selected"' if choice["selected"] else ""
        link = html.escape(iri_to_uri(choice["query_string"]))
        items.append(f'<li{selected}>\n    <a href="{link}">{_escape(choice["display"])}</a></li>')
    return mark_safe("\n  ".join(items))  # noqa: S308 (escaped above)
