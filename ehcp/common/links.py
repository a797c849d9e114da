"""Pages of the layers above ehcp that ehcp's pages and messages link to, without knowing them.

ehcp never imports `workflows/`, nor names its URLs or templates (tests/test_project.py), yet a
case page links to the tasks for the case and shows the advice asked for, and a message about
advice links to the advice page. So ehcp names the page it needs ("advice", "case-tasks") and
the app that owns that page provides it, in its `AppConfig.ready` (workflows/pages.py):

    links.provide("advice", lambda advice: reverse("workflows:advice:detail", args=[advice.public_id]))
    links.provide_section("case", "workflows/advice/_case_advice.html")

ehcp asks for them with `links.url("advice", advice)`, or in a template with
`{% load ehcp_links %}{% page_url "case-tasks" case %}` and `{% page_sections "case" %}`.

The pages ehcp links to, and what each is given:

    "tasks"            ()        the person's tasks
    "new-request"      ()        record a new request for an assessment
    "child-request"    (child)   record a new request for a child already known (a re-assessment
                                 where a plan is in force)
    "case-tasks"       (case)    the tasks for one case
    "case-caseworker"  (case)    change a case's caseworker
    "case-withdraw"    (case)    record that the request was withdrawn (ends the case's tasks)
    "advice"           (advice)  an advice request's page
    "advice-extension" (extension) the council's page to agree or refuse more time for advice
    "review-start"     (ehc_plan) start an early or interim review of a plan
    "review-tasks"     (review)  the tasks for one review

The sections ehcp's pages show: "case" (the case page, below its tasks link), "child" (the
child's page, below the plan: the panel's funding requests for the child) and "review" (a
review's page, before its documents: the funding agreed for the plan, reviewed with it).

The sections ehcp's pages show ("case": the case page, below its tasks link) are templates
rendered with the page's own context.
"""

from collections.abc import Callable

PAGES = frozenset(
    {
        "tasks",
        "new-request",
        "child-request",
        "case-tasks",
        "case-caseworker",
        "case-withdraw",
        "case-consult",
        "advice",
        "advice-extension",
        "review-start",
        "review-tasks",
    }
)
SECTIONS = frozenset({"case", "child", "review"})

_urls: dict[str, Callable[..., str]] = {}
_sections: dict[str, list[str]] = {}


class PageNotProvided(LookupError):
    """No installed app provides a page ehcp links to."""


def provide(page: str, url: Callable[..., str]) -> None:
    """Say where `page` is: `url(*objects)` returns its address. Providing it again replaces it."""
    if page not in PAGES:
        raise ValueError(f"ehcp links to no page called {page!r} (ehcp/common/links.py: PAGES)")
    _urls[page] = url


def url(page: str, *objects) -> str:
    """The address of `page` for `objects` (a case, an advice request), from the app providing it."""
    try:
        build = _urls[page]
    except KeyError:
        raise PageNotProvided(f"No installed app provides the page {page!r}") from None
    return build(*objects)


def provide_section(place: str, template: str) -> None:
    """Show `template` on ehcp's `place` page, after the sections already provided (once)."""
    if place not in SECTIONS:
        raise ValueError(f"ehcp has no place called {place!r} (ehcp/common/links.py: SECTIONS)")
    templates = _sections.setdefault(place, [])
    if template not in templates:
        templates.append(template)


def sections(place: str) -> tuple[str, ...]:
    """The templates provided for `place`, in the order they were provided."""
    return tuple(_sections.get(place, ()))
