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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar, cast

from django import forms
from django.contrib.admin import RelatedFieldListFilter, helpers
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
    NotRelationField,
    _get_non_gfk_field,
    display_for_field,
    display_for_value,
    get_fields_from_path,
    lookup_field,
)
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import connections, models
from django.db.models import ForeignObjectRel, Max, Min, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat
from django.utils.encoding import iri_to_uri
from django.utils.formats import get_format, localize
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from asskomm.memo import Kept, per_request
from figures import summary

T = TypeVar("T")
# Stands for the primary key in the change URL worked out once per page: letters and digits
# only, which neither the admin's quote() nor reverse() changes.
PK_MARK = "0listrowspk0"


# What a list read only from tables whose changes are noted, per build of the stored figures:
# (build, table, what, …, language) -> the answer (see kept_for_build).
_PER_BUILD: Kept[Any] = Kept(256)


def kept_for_build(request: Any, table: str, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, which reads only ``table``, kept in this process while the current build
    of the stored figures lasts, if the changes of ``table`` are noted
    (``figures.summary.NOTED_TABLES``); else, or while a change is not yet in a build,
    ``compute()`` itself. ``key`` says what else the answer depends on.

    For the parts of a list that are the same on every request until the table changes: the
    police directorates and Kreise a filter offers, the years of the date navigation (1-2 ms
    of a list at Germany scale, bench/scale.py). The build is looked up once per request. The
    caller must not change the answer (shared)."""
    if request is None or table not in summary.NOTED_TABLES:
        return compute()
    build = per_request(request, "figures build", summary.current_build)
    if build is None:
        return compute()
    return cast(T, _PER_BUILD.get((build, table, *key, get_language() or ""), compute))


def _attributes(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {_escape(name)}" + ("" if value is True else f'="{_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class _WrittenSelect(forms.Select):
    """A select drawn as ``django/forms/widgets/select.html`` (and ``select_option.html``)
    draw it, from the same context, without the template engine."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        widget = context["widget"]
        html_ = [f'<select name="{_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html_.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for option in options:
                html_.append(
                    f'\n  <option value="{_escape(option["value"])}"'
                    f"{_attributes(option['attrs'])}>{_escape(option['label'])}</option>\n"
                )
            if group_name:
                html_.append("\n  </optgroup>")
        html_.append("\n</select>")
        return mark_safe("".join(html_).strip())  # noqa: S308 (escaped above)


class _WrittenHiddenInput(forms.HiddenInput):
    """A hidden input drawn as ``django/forms/widgets/input.html`` draws it."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        widget = context["widget"]
        value = "" if widget["value"] is None else f' value="{_escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 (escaped)
            f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
            f"{value}{_attributes(widget['attrs'])}>"
        )


class ActionForm(helpers.ActionForm):
    """Django's action form, its two fields drawn without the template engine (the select
    of the actions through four templates cost 0.3 ms of every list)."""

    action = forms.ChoiceField(label=gettext_lazy("Action:"), widget=_WrittenSelect)
    select_across = forms.BooleanField(
        label="",
        required=False,
        initial=0,
        widget=_WrittenHiddenInput({"class": "select-across"}),
    )


class ListRowsMixin:
    """For a ModelAdmin (before it in the bases): the row checkbox without the template engine,
    50 rows a page, rows drawn by ``list_rows``, filters by a related row that read only its
    label, and the list's related rows read with only the columns the list shows.

    Drawing the rows is most of a list's time (about half at 100 rows: each cell goes through
    ``items_for_result``, each row reverses its URL). Lists that grow with the data (10,000
    municipalities, 100,000 applications at the scale of all of Germany) are searched and
    filtered rather than paged through; 50 rows a page halve what each page costs.

    ``list_related_fields`` names, per path of ``list_select_related``, the columns of that
    related row the list reads besides the ones its ``__str__`` reads (the model's
    ``label_fields``); see ``related_columns``.
    """

    list_per_page = 50
    action_form = ActionForm
    list_related_fields: Mapping[str, tuple[str, ...]] = {}
    # The row's own columns the list reads (its columns, ``__str__``, the methods it shows);
    # None: all. See own_columns.
    list_columns: tuple[str, ...] | None = None
    # attribute set on each row of a page: (many-to-many field, column shown, order); see
    # related_values.
    list_related_values: Mapping[str, tuple[str, str, tuple[str, ...]]] = {}

    def action_checkbox(self, obj: Any) -> SafeString:
        return self.action_checkboxes()(obj)

    def action_checkboxes(self) -> Callable[[Any], SafeString]:
        """The row checkbox as django.contrib.admin.ModelAdmin.action_checkbox renders it
        (Django's own msgid), translated once for the rows of a page."""
        start, end = _("Select this object for an action - {}").split("{}", 1)
        before = format_html(
            '<input type="checkbox" name="{}" value="', helpers.ACTION_CHECKBOX_NAME
        )
        between = f'" class="action-select" aria-label="{start}'  # the msgid's text is as-is
        after = f'{end}">'

        def checkbox(obj: Any) -> SafeString:
            pk, label = html.escape(str(obj.pk)), html.escape(str(obj))
            return mark_safe(f"{before}{pk}{between}{label}{after}")  # noqa: S308 (escaped)

        return checkbox

    def get_changelist(self, request: Any, **kwargs: Any) -> type[ChangeList]:
        return ListRowsChangeList

    def get_paginator(
        self,
        request: Any,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> Any:
        paginator = super().get_paginator(  # type: ignore[misc]
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        count = self.list_count(request, queryset)
        if count is not None:
            paginator.count = count  # Paginator.count is a cached_property
        return paginator

    def list_count(self, request: Any, queryset: QuerySet[Any]) -> int | None:
        """The number of the list's rows where it is known without counting them, else None
        (the paginator counts): a list of every row of a table whose changes are noted is
        counted once per build (``kept_for_build``; a COUNT of 13,000 consultations took
        0.6 ms at Germany scale)."""
        query = queryset.query
        if query.where or query.distinct or query.combinator or query.is_sliced:
            return None
        return kept_for_build(request, queryset.model._meta.db_table, ("count",), queryset.count)

    def changelist_view(self, request: Any, extra_context: Any = None) -> Any:
        """The rows of the page drawn here, before the template renders (see ``list_rows``)."""
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        changelist = context.get("cl")
        if isinstance(changelist, ChangeList):
            changelist.drawn_rows = draw_rows(changelist)  # type: ignore[attr-defined]
        return response

    def get_list_filter(self, request: Any) -> Any:
        """The list's filters, each by a related row whose model names its ``label_fields``
        (and no filter class of its own) a ``LabelFilter``."""
        filters = []
        for entry in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(entry, str) and _labelled(self.model, entry):  # type: ignore[attr-defined]
                entry = (entry, LabelFilter)
            filters.append(entry)
        return filters


def _labelled(model: Any, path: str) -> bool:
    """Whether the list filter ``path`` of ``model`` ends in a foreign key or many-to-many field
    to a model with ``label_fields``."""
    try:
        field = get_fields_from_path(model, path)[-1]
    except (FieldDoesNotExist, NotRelationField):
        return False
    return (
        field.is_relation
        and not isinstance(field, ForeignObjectRel)
        and field.choices is None
        and getattr(field.related_model, "label_fields", None) is not None
    )


class LabelFilter(RelatedFieldListFilter):
    """Django's filter by a related row, its choices read with only the columns their labels
    need (the related model's ``label_fields``).

    Django builds each choice from the related row's every column: the 57 police directorates,
    the users and the topics of the consultations' filters cost 1.5 ms at Germany scale, a
    third of it reading time stamps no label shows. The labels are the rows' ``str()`` still.
    """

    def field_choices(self, field: Any, request: Any, model_admin: Any) -> Any:
        related = field.remote_field.model
        key = field.remote_field.get_related_field().attname
        limit = field.get_limit_choices_to()
        ordering = tuple(self.field_admin_ordering(field, request, model_admin) or ())

        def read() -> list[tuple[Any, str]]:
            rows = related._default_manager.complex_filter(limit)
            if ordering:
                rows = rows.order_by(*ordering)
            return [(getattr(row, key), str(row)) for row in rows.only(key, *related.label_fields)]

        # Labels of the row's own columns (no other table read): kept per build where noted.
        own = all(not related._meta.get_field(name).is_relation for name in related.label_fields)
        if limit or not own:
            return read()
        return kept_for_build(request, related._meta.db_table, ("choices", key, ordering), read)


def related_columns(
    queryset: QuerySet[Any], paths: Any, extra: Mapping[str, tuple[str, ...]]
) -> Any:
    """``queryset`` with the rows joined by ``select_related(*paths)`` read with only their key,
    the keys to the next row joined, their model's ``label_fields`` and ``extra[path]``.

    A list shows a related row by its ``str()``, rarely a column more; reading each joined row
    whole built 150 full rows of time stamps and notes per page of the consultations (1.3 ms
    at Germany scale). A path whose model names no ``label_fields`` is read whole.
    """
    if not isinstance(paths, (list, tuple)):
        return queryset
    walked = {
        "__".join(path.split("__")[: depth + 1])
        for path in paths
        for depth in range(path.count("__") + 1)
    }
    deferred = []
    for path in sorted(walked):
        model: Any = get_fields_from_path(queryset.model, path)[-1].related_model
        labels = getattr(model, "label_fields", None)
        if labels is None:
            continue
        keep = {*labels, *extra.get(path, ())}
        keep |= {
            other[len(path) + 2 :].split("__")[0]
            for other in walked
            if other.startswith(f"{path}__")
        }
        deferred += [
            f"{path}__{field.name}"
            for field in model._meta.concrete_fields
            if not field.primary_key and field.name not in keep
        ]
    return queryset.defer(*deferred) if deferred else queryset


def own_columns(queryset: QuerySet[Any], columns: Any, paths: Any) -> QuerySet[Any]:
    """``queryset`` with only ``columns`` of its own rows read (and the keys its joined rows are
    reached by); all of them where the admin names no ``list_columns``.

    The applications carry some thirty columns (the Beccaria texts, the financing, the checks):
    building fifty of them whole was the biggest part of their list's page (2.4 ms at Germany
    scale)."""
    if not columns:
        return queryset
    joined = {path.split("__")[0] for path in paths} if isinstance(paths, (list, tuple)) else set()
    keep = {*columns, *joined}
    unread = [
        field.name
        for field in queryset.model._meta.concrete_fields
        if not field.primary_key and field.name not in keep
    ]
    return queryset.defer(*unread) if unread else queryset


def related_values(
    rows: list[Any], model: Any, wanted: Mapping[str, tuple[str, str, tuple[str, ...]]]
) -> None:
    """Sets on each of ``rows``, for each ``attribute: (field, column, order)`` of ``wanted``,
    the list of ``column`` of the rows its many-to-many ``field`` relates it to, in ``order``
    (columns of the related model): one query of (row, value) pairs each.

    A prefetch builds a related row for every pair: 1.3 ms for the topics of a page of
    consultations at Germany scale, the pairs alone 0.5 ms.
    """
    ids = [row.pk for row in rows]
    for attribute, (name, column, order) in wanted.items():
        values: dict[Any, list[Any]] = {pk: [] for pk in ids}
        if ids:
            field = model._meta.get_field(name)
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            pairs = (
                field.remote_field.through._default_manager.filter(**{f"{source}__in": ids})
                .order_by(*(f"{target}__{term}" for term in order))
                .values_list(source, f"{target}__{column}")
            )
            for pk, value in pairs:
                values[pk].append(value)
        for row in rows:
            setattr(row, attribute, values[row.pk])


class ListRowsChangeList(ChangeList):
    """The change list of a ``ListRowsMixin`` admin: its page's related rows read narrow
    (``related_columns``), the values of its many-to-many columns as pairs
    (``related_values``). Only the page: an action gets the rows whole. Knows its request
    (``year_hierarchy`` keeps the years per build, ``kept_for_build``)."""

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        super().__init__(request, *args, **kwargs)

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = related_columns(
            queryset,
            self.list_select_related,
            getattr(self.model_admin, "list_related_fields", {}),
        )
        return own_columns(
            queryset, getattr(self.model_admin, "list_columns", None), self.list_select_related
        )

    def get_results(self, request: Any) -> None:
        super().get_results(request)
        if isinstance(self.result_list, QuerySet):
            self.result_list = self.narrow(self.result_list)
        wanted = getattr(self.model_admin, "list_related_values", None)
        if wanted and not self.list_editable:  # an editable list's formset takes a QuerySet
            rows = list(self.result_list)
            related_values(rows, self.model, wanted)
            self.result_list = rows


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
            elif name == "action_checkbox" and isinstance(model_admin, ListRowsMixin):
                self.call = model_admin.action_checkboxes()
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
        # What display_for_field works out for every cell: the labels of a field with choices
        # (a dict built per cell), the date format of a date field (looked up per cell).
        self.labels: dict[Any, Any] | None = None
        self.day_format: str | None = None
        flat = getattr(field, "flatchoices", None) if field is not None else None
        if flat:
            try:
                self.labels = {
                    value: str(label) if isinstance(label, Promise) else label
                    for value, label in flat
                }
            except TypeError:  # unhashable choices: display_for_field's own way
                self.labels = None
        elif isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            self.day_format = str(get_format("DATE_FORMAT"))

    def display(self, value: Any, empty: Any) -> Any:
        """``display_for_field(value, self.field, empty, avoid_link=self.link)``."""
        if self.labels is not None:
            try:
                return self.labels.get(value, empty)
            except TypeError:
                pass
        elif self.day_format is not None and type(value) is datetime.date:
            return dateformat.format(value, self.day_format)
        return display_for_field(value, self.field, empty, avoid_link=self.link)

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
        return self._with_filters(url)

    def url_for(self, result: Any) -> str | None:
        pk = getattr(result, self.cl.pk_attname)
        if self.url is not None and type(pk) is int:
            # PK_MARK sits in the path, before any filter in the query string: the first one.
            return self.url.replace(PK_MARK, str(pk), 1)
        try:
            url = self.cl.url_for_result(result)
        except NoReverseMatch:
            return None
        return self._with_filters(url)

    def _with_filters(self, url: str) -> str:
        """``url`` with the list's filters (``add_preserved_filters``), escaped for an href."""
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
                    shown = column.display(value, empty)
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
    ``ListRowsMixin`` admin; others (and editable lists, pop-ups) as Django draws them.

    A ``ListRowsMixin`` admin's view draws them before the template renders
    (``ListRowsMixin.changelist_view``), where Python's call stack is shallow. Drawn from the
    template, five templates deep, each cell's calls ran over the end of CPython's first
    16 KB block of frame memory on the applications list: a block was mapped and unmapped for
    every cell (570 page faults, 3 ms of a 20 ms page under gunicorn, bench/scale.py)."""
    drawn = getattr(cl, "drawn_rows", None)
    return drawn if drawn is not None else draw_rows(cl)


def draw_rows(cl: Any) -> dict[str, Any]:
    """The context of ``admin/change_list_rows.html`` for the page of ``cl`` (see
    ``list_rows``): Django's ``result_list`` context, and for a ``ListRowsMixin`` admin's list
    the table's body written here (``body``).

    Django's ``change_list_results.html`` looped over the rows and their cells in the template,
    a third of the template time of a list of 50 rows (1.8 ms at Germany scale)."""
    if not isinstance(cl.model_admin, ListRowsMixin) or cl.formset or cl.is_popup:
        return {**result_list(cl), "body": None}
    headers = list(result_headers(cl))
    results = list(_Rows(cl))
    return {
        "cl": cl,
        "result_hidden_fields": [],
        "result_headers": headers,
        "num_sorted_fields": sum(1 for h in headers if h["sortable"] and h["sorted"]),
        "results": results,
        # Each row's cells are escaped by _Rows.cell.
        "body": mark_safe("".join(f"<tr>{row[0]}</tr>\n" for row in results)),  # noqa: S308
    }


def list_actions(context: Any) -> SafeString:
    """Django's ``{% admin_actions %}`` (``admin/actions.html``) for the lists of a
    ``ListRowsMixin`` admin, the same HTML written in Python (the form's fields drawn by their
    widgets, see ``ActionForm``).

    The inclusion tag resolved each of its variables through the page's whole context and
    translated its texts in the template: 0.4 ms of every list at Germany scale."""
    # As Django's tag: counts the action bars of the page (its buttons' "index").
    context["action_index"] = index = context.get("action_index", -1) + 1
    fields = "".join(
        f"<label>{_escape(field.label)} {field}</label>" if field.label else str(field)
        for field in context["action_form"]
    )
    # The texts of the template: literals, not escaped there either.
    parts = [
        f'<div class="actions">\n    {fields}\n    <button type="submit" class="button" '
        f'title="{_("Run the selected action")}" name="index" value="{index or 0}">'
        f"{_('Go')}</button>\n"
    ]
    cl = context["cl"]
    if context.get("actions_selection_counter"):
        shown = len(cl.result_list)
        parts.append(
            f'    <span class="action-counter" data-actions-icnt="{shown}">'
            f"{_escape(context.get('selection_note', ''))}</span>\n"
        )
        if cl.result_count != shown:
            every = _("Select all %(total_count)s %(module_name)s") % {
                "total_count": _escape(localize(cl.result_count)),
                "module_name": _escape(context.get("module_name", "")),
            }
            across = _("Click here to select the objects across all pages")
            parts.append(
                f'    <span class="all hidden">{_escape(context.get("selection_note_all", ""))}'
                f'</span>\n    <span class="question hidden">\n        <a role="button" '
                f'href="#" title="{across}">{every}</a>\n    </span>\n    <span class="clear '
                f'hidden"><a role="button" href="#">{_("Clear selection")}</a></span>\n'
            )
    parts.append("</div>")
    return mark_safe("".join(parts))  # noqa: S308 (values escaped above, texts as Django's)


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

    def span_and_years() -> tuple[Any, Any, frozenset[int]]:
        span = rows.aggregate(first=Min(field_name), last=Max(field_name))
        first, last = span["first"], span["last"]
        if first is None or last is None or first.year == last.year:
            return first, last, frozenset()
        years = range(first.year, last.year + 1)
        return first, last, frozenset(_years_with_rows(rows, field_name, years))

    if rows.query.where or "__" in field_name:
        first, last, found = span_and_years()
    else:  # every row of the model's own table
        first, last, found = kept_for_build(
            getattr(cl, "request", None), cl.opts.db_table, ("years", field_name), span_and_years
        )
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
            for year in sorted(found)
        ],
    }


# Stand for the first day of a year and of the next in the one compiled look-up per year: days no
# list holds (the year 1), found among the look-up's parameters and replaced there.
YEAR_MARKS = (datetime.date(1, 1, 2), datetime.date(1, 1, 3))


def compiled_with_marks(
    query: Any, using: str, marks: list[Any]
) -> tuple[str, list[Any], list[int]] | None:
    """The SQL and parameters of ``query``, and where among the parameters each of ``marks``
    (values as the database gets them) stands: for one query repeated with other values in
    their place. None when a mark is not there exactly once (it is then not known which
    parameter stands for it)."""
    sql, params = query.get_compiler(using=using).as_sql()
    places = [[index for index, param in enumerate(params) if param == mark] for mark in marks]
    if any(len(found) != 1 for found in places):
        return None
    return sql, list(params), [found[0] for found in places]


def _years_with_rows(rows: Any, field_name: str, years: range) -> set[int]:
    """The years (of ``years``) with a row of ``rows``: in one query, an EXISTS per year.

    The look-up of one year is compiled once and its SQL repeated with each year's days as
    parameters; built by the ORM for every year it cost 3 ms of the consultations (8 years)
    and 6 ms of the prevention councils (37 years) at Germany scale, the queries 0.5 ms.
    """

    def within(year: int) -> Any:
        days = (datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))
        return rows.filter(**{f"{field_name}__gte": days[0], f"{field_name}__lt": days[1]})

    connection = connections[rows.db]
    day = connection.ops.adapt_datefield_value
    probe = rows.filter(**{f"{field_name}__gte": YEAR_MARKS[0], f"{field_name}__lt": YEAR_MARKS[1]})
    found = compiled_with_marks(probe.query.exists(), probe.db, [day(mark) for mark in YEAR_MARKS])
    if found is None:  # a mark not seen once: the ORM asks per year
        return {year for year in years if within(year).exists()}
    sql, params, (start, end) = found
    every: list[Any] = []
    for year in years:
        params[start] = day(datetime.date(year, 1, 1))
        params[end] = day(datetime.date(year + 1, 1, 1))
        every += params
    columns = ", ".join(f"EXISTS({sql})" for _year in years)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", every)  # noqa: S608 (the ORM's SQL, parameters apart)
        row = cursor.fetchone()
    return {year for year, exists in zip(years, row, strict=True) if exists}


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
