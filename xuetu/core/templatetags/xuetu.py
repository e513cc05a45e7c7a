from typing import Any

from django import template
from django.template.context import Context
from django.utils.safestring import SafeString

from xuetu.core import links
from xuetu.core.hooks import JOB_RETURN
from xuetu.core.masking import id_number_for
from xuetu.core.site import Panel

register = template.Library()


@register.filter
def id_for(person: Any, user: Any) -> str:
    """The person's ID number as this user may see it: `{{ person|id_for:request.user }}`."""
    if person is None:
        return ""
    return id_number_for(user, person)


@register.simple_tag(takes_context=True)
def home_panel(context: Context, panel: Panel) -> SafeString:
    """Renders a registered home panel inside the page's context, plus the panel's own."""
    assert context.template is not None  # the page being rendered
    panel_template = context.template.engine.get_template(panel.template)
    with context.push(**panel.context):
        return panel_template.render(context)


@register.simple_tag(takes_context=True)
def object_links(context: Context, obj: Any) -> list[tuple[Any, str]]:
    """The links higher apps added to this object's page, as far as the reader may follow."""
    return links.object_links(context["request"].user, obj)


@register.simple_tag
def job_return(job: Any) -> tuple[Any, str] | None:
    """(label, url) of the page the job was started from, if an app knows it."""
    return next((answer for answer in JOB_RETURN.answers(job) if answer), None)


@register.simple_tag(takes_context=True)
def page_url(context, page: int) -> str:
    """The current list's query string with another page number."""
    querystring = context.get("querystring", "")
    return f"?{querystring}&page={page}" if querystring else f"?page={page}"


@register.filter
def bootstrap(field) -> str:
    """The field's widget with Bootstrap's classes, marked invalid when it has errors."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio") and not getattr(widget, "allow_multiple_selected", 0):
        css = "form-check-input"
    elif input_type in ("checkbox", "radio"):
        css = ""
    elif widget.__class__.__name__.endswith("Select") or "Select" in widget.__class__.__name__:
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
