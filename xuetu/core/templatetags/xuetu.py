from django import template

from xuetu.core.identifiers import mask_id_number
from xuetu.registry.masking import shows_full_id

register = template.Library()


@register.filter
def id_for(person, user) -> str:
    """The person's ID number as this user may see it: `{{ person|id_for:request.user }}`."""
    if person is None:
        return ""
    return person.id_number if shows_full_id(user, person) else mask_id_number(person.id_number)


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
