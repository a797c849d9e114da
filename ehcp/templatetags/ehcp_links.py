"""Links and sections that the layers above ehcp provide for its pages (ehcp/common/links.py)."""

from django import template
from django.utils.safestring import mark_safe

from ehcp.common import links

register = template.Library()


@register.simple_tag
def page_url(page, *objects):
    """`{% page_url "case-tasks" case %}`: the address of a page ehcp links to but does not own."""
    return links.url(page, *objects)


@register.simple_tag(takes_context=True)
def page_sections(context, place):
    """`{% page_sections "case" %}`: each section provided for this page, rendered with the
    page's context as `{% include %}` would."""
    engine = context.template.engine
    parts = []
    for name in links.sections(place):
        with context.push():
            parts.append(engine.get_template(name).render(context))
    return mark_safe("".join(parts))  # each part rendered, and escaped, by its template
