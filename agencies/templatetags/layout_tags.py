"""Page-frame tags for templates/base.html."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


class NavigationIfContentNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        inner = self.nodelist.render(context)
        if not inner.strip():
            return ""
        return format_html(
            '<nav class="app-before-content" aria-label="{}">{}</nav>',
            self.label.resolve(context),
            mark_safe(inner),  # already rendered (and escaped) by the template
        )


@register.tag
def navigation_if_content(parser, token):
    """Wrap what the block renders in a labelled <nav> landmark, or render nothing if it is empty.

    `{% navigation_if_content "Back" %}{% block before_content %}{% endblock %}{% end... %}`
    keeps the back link above <main> (as the GOV.UK Design System places it) but inside a
    landmark, so every piece of content is in one (axe-core's `region` rule), and adds no empty
    landmark to pages without a back link.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument: the landmark's label")
    nodelist = parser.parse(("endnavigation_if_content",))
    parser.delete_first_token()
    return NavigationIfContentNode(nodelist, parser.compile_filter(bits[1]))
