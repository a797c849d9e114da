"""The workflow pages that ehcp's pages and messages link to (ehcp/common/links.py): ehcp names the page
it needs, and this app, above it, says where it is. Provided once, in WorkflowsConfig.ready."""

from django.urls import reverse

from ehcp.common import links


def provide_ehcp_links() -> None:
    links.provide("tasks", lambda: reverse("workflows:inbox"))
    links.provide("new-request", lambda: reverse("workflows:request-new"))
    links.provide(
        "child-request", lambda child: reverse("workflows:child-request", args=[child.public_id])
    )
    links.provide("case-tasks", lambda case: f"{reverse('workflows:inbox')}?case={case.public_id}")
    links.provide(
        "case-caseworker", lambda case: reverse("workflows:case-caseworker", args=[case.public_id])
    )
    links.provide(
        "case-withdraw", lambda case: reverse("workflows:case-withdraw", args=[case.public_id])
    )
    links.provide(
        "case-consult", lambda case: reverse("workflows:case-consult", args=[case.public_id])
    )
    links.provide(
        "review-start", lambda plan: reverse("workflows:review-start", args=[plan.public_id])
    )
    links.provide(
        "review-tasks", lambda review: f"{reverse('workflows:inbox')}?review={review.public_id}"
    )
    links.provide(
        "advice", lambda advice: reverse("workflows:advice:detail", args=[advice.public_id])
    )
    links.provide(
        "advice-extension",
        lambda extension: reverse("workflows:advice:extension", args=[extension.public_id]),
    )
    # The advice portal's section of the case page: the advice asked for and its status.
    links.provide_section("case", "workflows/advice/_case_advice.html")
