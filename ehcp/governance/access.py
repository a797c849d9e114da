"""What a person may see of a case, decided in one place from the database (AC-01 to AC-05, AC-07).

- The council that holds the case (its caseworkers and SEN managers) sees everything.
- A partner agency sees a case once it has (or had) a task on it: asked for advice, or consulted
  about being named. It sees the data types the access table allows its kind for the purpose.
- Anyone else sees nothing (a 404), unless they hold an unexpired break-glass grant, which shows
  what their own agency kind may see, and never protected whereabouts.
- Protected whereabouts (address, setting, family contacts) show only to someone whose membership
  of a related agency carries the explicit permission.
"""

import functools
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from agencies.access import ALL_DATA_TYPES, Actor, actor_for, data_types_for
from agencies.models import BREAK_GLASS_ROLES, QUEUE_ROLES, Agency, DataType
from ehcp.assessments.models import AdviceRequest, Assessment, SettingConsultation
from ehcp.children.models import ConsentOverride, ConsentRecord
from ehcp.children.rules.consent import REQUIRED_PURPOSE, Purpose, Step
from ehcp.common.display import agency_label
from ehcp.governance.models import BreakGlassGrant
from ehcp.governance.rules.access_basis import Basis, partner_bases
from ehcp.reviews.models import Review, ReviewInvitee

NOTHING = frozenset()


def queue_agency_ids(actor: Actor) -> frozenset[int]:
    """The agencies whose queue this person works (their role does that agency's tasks): the only
    memberships through which a task on a case makes them a partner on it (AC-02, AC-04). So the
    council's panel members, IG lead and administrators are not partners because the family's
    views were asked for through the council; the council's own officers relate as the council."""
    return frozenset(a for a, kind, role in actor.memberships if role in QUEUE_ROLES.get(kind, ()))


def _advice_on_a_basis(today):
    """Advice requests whose agency may still see the case (rules/access_basis.py): a consent for
    an EHC needs assessment, not withdrawn by `today`, covers the agency, or the consent gate was
    overridden. For use inside a subquery on AdviceRequest."""
    consent = (
        ConsentRecord.objects.filter(
            Q(case_id=OuterRef("case_id")) | Q(case__isnull=True),
            child_id=OuterRef("case__child_id"),
            purpose=REQUIRED_PURPOSE[Step.REQUEST_ADVICE],
            agencies=OuterRef("agency_id"),
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=today))
        .values("pk")
    )
    override = ConsentOverride.objects.filter(
        case_id=OuterRef("case_id"), step=Step.REQUEST_ADVICE
    ).values("pk")
    return Q(Exists(consent)) | Q(Exists(override))


def case_visible_to(actor: Actor, *, now=None) -> Q:
    """The cases a person has a relationship to (or an unexpired break-glass grant for). A
    partner asked for advice keeps it only while its lawful basis lasts (`partner_bases`)."""
    agency_ids = queue_agency_ids(actor)
    if not actor.user_id:
        return Q(pk__in=[])
    now = now or timezone.now()
    today = timezone.localdate(now)
    return (
        Q(council_id__in=actor.council_agency_ids)
        | Q(
            Exists(
                AdviceRequest.objects.filter(
                    _advice_on_a_basis(today), case=OuterRef("pk"), agency_id__in=agency_ids
                )
            )
        )
        | Q(
            Exists(
                SettingConsultation.objects.filter(case=OuterRef("pk"), setting_id__in=agency_ids)
            )
        )
        | Q(
            Exists(
                BreakGlassGrant.objects.active(now).filter(
                    case=OuterRef("pk"), user_id=actor.user_id
                )
            )
        )
    )


@dataclass(frozen=True)
class CaseAccess:
    relationship: str  # "council", "partner" or "break-glass"
    data_types: frozenset[str]
    whereabouts: bool  # may see protected whereabouts (always True when the child has none)
    related_agency_ids: frozenset[int]
    break_glass: BreakGlassGrant | None = None
    # A partner's related agencies and the lawful basis each sees the case on.
    bases: tuple[tuple[int, Basis], ...] = ()

    @property
    def basis_labels(self) -> list[str]:
        return sorted({basis.label for _, basis in self.bases})

    def sees(self, data_type: str) -> bool:
        return data_type in self.data_types

    @property
    def shows(self) -> dict[str, bool]:
        """For templates: shows.HEALTH, shows.CONTACT ... (CONTACT already folds in whereabouts)."""
        flags = {name: name in self.data_types for name in DataType.values}
        flags["CONTACT"] = flags["CONTACT"] and self.whereabouts
        flags["WHEREABOUTS"] = self.whereabouts
        return flags


def case_access(actor: Actor, case: Assessment, *, now=None) -> CaseAccess | None:
    """How this person may see this case, or None when they may not see it at all."""
    if case.council_id in actor.council_agency_ids:
        return CaseAccess(
            relationship="council",
            data_types=ALL_DATA_TYPES,
            whereabouts=not case.child.protected_whereabouts
            or case.council_id in actor.whereabouts_agency_ids,
            related_agency_ids=frozenset({case.council_id}),
        )
    now = now or timezone.now()
    bases = _partner_bases(actor, case, today=timezone.localdate(now))
    related = set(bases)
    if related:
        kinds = {
            kind
            for agency, kind, role in actor.memberships
            if agency in related and role in QUEUE_ROLES.get(kind, ())
        }
        return CaseAccess(
            relationship="partner",
            data_types=data_types_for(kinds, Purpose.STATUTORY_ASSESSMENT),
            whereabouts=not case.child.protected_whereabouts
            or bool(related & actor.whereabouts_agency_ids),
            related_agency_ids=frozenset(related),
            bases=tuple(sorted(bases.items())),
        )
    grant = BreakGlassGrant.objects.active(now).filter(case=case, user_id=actor.user_id).first()
    if grant is not None:
        # What the roles that may break glass may see: not what another membership of theirs
        # (a school's SENCo, say) would.
        kinds = {kind for _, kind, role in actor.memberships if role in BREAK_GLASS_ROLES}
        return CaseAccess(
            relationship="break-glass",
            data_types=data_types_for(kinds, Purpose.STATUTORY_ASSESSMENT),
            whereabouts=not case.child.protected_whereabouts,
            related_agency_ids=NOTHING,
            break_glass=grant,
        )
    return None


def _partner_bases(actor: Actor, case: Assessment, *, today) -> dict[int, Basis]:
    """The agencies, worked by this person in a queue role, that were asked for advice on the case
    or consulted about it and still have a lawful basis to see it, with that basis."""
    agency_ids = queue_agency_ids(actor)
    if not agency_ids:
        return {}
    asked = {a.agency_id for a in case.advice_requests.all() if a.agency_id in agency_ids}
    consulted = (
        set()
        if getattr(case, "has_consultations", None) is False  # the case page's annotation
        else {c.setting_id for c in case.consultations.all() if c.setting_id in agency_ids}
    )
    if not asked and not consulted:
        return {}
    return partner_bases(
        asked=asked,
        consulted=consulted,
        consents=case.consent_facts() if asked else (),
        overridden=bool(asked) and case.has_consent_override(Step.REQUEST_ADVICE),
        on=today,
    )


def case_get_with_access(
    *, public_id, user, prefetch=(), annotate=None
) -> tuple[Assessment, CaseAccess]:
    """The case and how this person may see it; a 404 when they may not (another agency's
    child does not exist for them). `prefetch`: lookups the page needs that the access check
    reads too (the case's advice requests), so they are read once. `annotate`: more columns
    for the case's own query (the case page's `case_page_annotations`)."""
    case = (
        case_list_for_user(user)
        .select_related(
            "child",
            "child__current_setting",
            "council",
            "caseworker",
            "named_setting",
            "requested_setting",
            "withdrawal_recorded_by",
        )
        .prefetch_related(*prefetch)
        .annotate(**(annotate or {}))
        .filter(public_id=public_id)
        .first()
    )
    access = case_access(actor_for(user), case) if case is not None else None
    if access is None:
        raise Http404("No such case")
    return case, access


def case_get_for_user(*, public_id, user) -> Assessment:
    return case_get_with_access(public_id=public_id, user=user)[0]


def case_schools(case: Assessment, *, access: CaseAccess | None = None) -> dict[str, str]:
    """The names of the schools and settings a case involves (the child's own, those asked for
    advice or consulted, the one asked for and the one named), each with the words that stand in
    for it where whereabouts are protected. With `access`, only those this viewer may not see
    named (none when they may see whereabouts; never the school they work at). One query."""
    if access is not None and access.whereabouts:
        return {}
    child = case.child
    schools = Agency.objects.filter(kind="SCHOOL")
    if access is not None:
        schools = schools.exclude(pk__in=access.related_agency_ids)
    schools = schools.filter(
        Q(pk=child.current_setting_id)
        | Q(pk__in=[pk for pk in (case.requested_setting_id, case.named_setting_id) if pk])
        | Q(advice_requests__case=case)
        | Q(consultations__case=case)
    )
    found = {a.name: agency_label(a, whereabouts=False, child=child) for a in schools.distinct()}
    # Longest first, so a name that contains another is replaced whole.
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


@functools.lru_cache(maxsize=512)
def _name_pattern(name: str) -> re.Pattern:
    """A name as people write it in free text: any case, any spacing or line break between its
    words ("MILLBROOK primary\nschool" is still Millbrook Primary School)."""
    return re.compile(r"\s+".join(re.escape(word) for word in name.split()), re.IGNORECASE)


def withhold_names(value, names: dict[str, str]):
    """`value` (text, or JSON-ready lists and dicts of it) with each name replaced by its stand-in.
    Pure; used for free text (the requester, plan entries, advice summaries) and frozen content."""
    if not names:
        return value
    if isinstance(value, str):
        for name, stand_in in names.items():
            if name.strip():
                value = _name_pattern(name).sub(lambda _match, text=stand_in: text, value)
        return value
    if isinstance(value, list):
        return [withhold_names(item, names) for item in value]
    if isinstance(value, dict):
        return {key: withhold_names(item, names) for key, item in value.items()}
    return value


def case_list_for_user(user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(case_visible_to(actor_for(user)))


def shows_consents(access: CaseAccess) -> bool:
    """Consent records (who gave it, how, for which agencies) are the council's: partners see
    whether advice could be asked for, not the records."""
    return access.relationship == "council"


def case_for_officer(request, public_id):
    """The case, for an officer of the council that holds it (404 if unseen, 403 otherwise)."""
    case = case_get_for_user(public_id=public_id, user=request.user)
    if case.council_id not in actor_for(request.user).council_agency_ids:
        raise PermissionDenied
    return case


# -- reviews of a child's plan -------------------------------------------------------------------
#
# A review is seen by the council's officers, by the school or setting that arranges its meeting
# (reg 20) and by the agencies invited to it (a health body, social care, the child's school):
# each of those, through the people who work its queue, sees what the access table lets its kind
# see. Anyone else: nothing (a 404).


def review_visible_to(actor: Actor) -> Q:
    """The reviews a person has a relationship to (for lists and lookups on `Review`)."""
    if not actor.user_id:
        return Q(pk__in=[])
    agency_ids = queue_agency_ids(actor)
    return (
        Q(council_id__in=actor.council_agency_ids)
        | Q(arranged_by_id__in=agency_ids)
        | Q(Exists(ReviewInvitee.objects.filter(review=OuterRef("pk"), agency_id__in=agency_ids)))
    )


def review_related_agency_ids(
    actor: Actor, review: Review, *, task_agency_ids=frozenset()
) -> frozenset[int]:
    """The agencies, worked by this person in a queue role, that arrange the review's meeting,
    were invited to it, or (`task_agency_ids`, which the caller knows) have a step of it to do.
    One query (the invitees), none when the person works no queue."""
    agency_ids = queue_agency_ids(actor)
    if not agency_ids:
        return NOTHING
    related = ({review.arranged_by_id} | set(task_agency_ids)) & agency_ids
    related |= set(
        ReviewInvitee.objects.filter(review=review, agency_id__in=agency_ids).values_list(
            "agency_id", flat=True
        )
    )
    return frozenset(related)


def review_access(
    actor: Actor, review: Review, *, task_agency_ids=frozenset()
) -> CaseAccess | None:
    """How this person may see this review (and its child), or None when they may not at all.
    `task_agency_ids`: agencies with a step of the review to do (a school consulted about ceasing
    the plan sees the review through its task)."""
    child = review.child
    if review.council_id in actor.council_agency_ids:
        return CaseAccess(
            relationship="council",
            data_types=ALL_DATA_TYPES,
            whereabouts=not child.protected_whereabouts
            or review.council_id in actor.whereabouts_agency_ids,
            related_agency_ids=frozenset({review.council_id}),
        )
    related = review_related_agency_ids(actor, review, task_agency_ids=task_agency_ids)
    if not related:
        return None
    kinds = {
        kind
        for agency, kind, role in actor.memberships
        if agency in related and role in QUEUE_ROLES.get(kind, ())
    }
    return CaseAccess(
        relationship="partner",
        data_types=data_types_for(kinds, Purpose.STATUTORY_ASSESSMENT),
        whereabouts=not child.protected_whereabouts or bool(related & actor.whereabouts_agency_ids),
        related_agency_ids=related,
    )


def review_schools(review: Review, *, access: CaseAccess) -> dict[str, str]:
    """The schools a review involves (the child's own, the one arranging the meeting, those
    invited or to be named), each with the words that stand in for it, for a viewer who may not
    see them named (none when they may see whereabouts; never the school they work at). One
    query."""
    if access.whereabouts:
        return {}
    child = review.child
    ids = {child.current_setting_id, review.arranged_by_id, review.next_setting_id} - {None}
    schools = (
        Agency.objects.filter(kind="SCHOOL")
        .exclude(pk__in=access.related_agency_ids)
        .filter(
            Q(pk__in=ids)
            | Q(Exists(ReviewInvitee.objects.filter(review=review, agency=OuterRef("pk"))))
        )
    )
    found = {a.name: agency_label(a, whereabouts=False, child=child) for a in schools}
    return dict(sorted(found.items(), key=lambda item: -len(item[0])))


def review_list_for_user(user) -> QuerySet[Review]:
    return Review.objects.filter(review_visible_to(actor_for(user)))


def review_get_with_access(*, public_id, user) -> tuple[Review, CaseAccess]:
    """The review and how this person may see it; a 404 when they may not."""
    review = (
        Review.objects.select_related(
            "child",
            "child__current_setting",
            "council",
            "caseworker",
            "arranged_by",
            "ehc_plan",
            "started_by",
        )
        .filter(public_id=public_id)
        .first()
    )
    access = review_access(actor_for(user), review) if review is not None else None
    if access is None:
        raise Http404("No such review")
    return review, access
