"""``{% list_rows cl %}``: Django's ``{% result_list cl %}`` with the rows of ``ListRowsMixin``
admins drawn by ``asskomm.admin_lists.list_rows`` (same HTML, less work per cell;
``admin/change_list_rows.html``);
``{% year_hierarchy cl %}``: Django's ``{% date_hierarchy cl %}``, its years found per year;
``{{ choices|filter_choices }}``: the items of a list filter (``templates/admin/filter.html``);
``{% list_actions %}``: Django's ``{% admin_actions %}`` in Python (``list_actions``)."""

from collections.abc import Callable
from typing import Any

from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template import Library
from django.utils.safestring import SafeString

from asskomm.admin_lists import ListRowsMixin, filter_items, list_actions, list_rows, year_hierarchy

register = Library()


def _admin_inclusion_tag(name: str, func: Callable[[Any], Any], template_name: str) -> None:
    """``{% name cl %}``: ``func(cl)`` rendered with ``template_name``, found as Django's admin
    tags find theirs (per model, per app, then ``admin/``)."""

    def compile_tag(parser: Any, token: Any) -> InclusionAdminNode:
        return InclusionAdminNode(
            parser, token, func=func, template_name=template_name, takes_context=False
        )

    register.tag(name, compile_tag)


_admin_inclusion_tag("list_rows", list_rows, "change_list_rows.html")
_admin_inclusion_tag("year_hierarchy", year_hierarchy, "date_hierarchy.html")


@register.simple_tag(takes_context=True, name="list_actions")
def list_actions_tag(context: Any) -> SafeString:
    return list_actions(context)


@register.filter
def drawn_by_list_rows(cl: Any) -> bool:
    """Whether the list is a ``ListRowsMixin`` admin's (its rows and actions written in Python)."""
    return isinstance(cl.model_admin, ListRowsMixin) and not cl.is_popup


@register.filter
def filter_choices(choices: Any) -> SafeString:
    return filter_items(choices)
