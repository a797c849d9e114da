"""`{% plan_url "need-edit" row.key %}`: a page of the plan being shown, for a case's plan or a
review's (the view puts the episode and its URL namespace, `plan_ns`, in the context)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def plan_url(context, name, *args):
    return reverse(f"{context['plan_ns']}:{name}", args=[context["episode"].public_id, *args])
