"""The demo's information sharing agreement (LB-06, AC-07): every demo partner agency is a party,
so the demo advisers may use break-glass and the demo SENCo, caseworker and IG lead may not."""

from datetime import date

import pytest

from agencies.access import actor_for
from agencies.agreements import break_glass_agency_ids
from agencies.models import SharingAgreement
from demo import generator as demo

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)


def test_the_demo_agreement_names_every_partner_and_is_in_force():
    cast = demo.build_cast(children=2, seed=2014)
    demo.agreement_seed(cast, TODAY)

    agreement = SharingAgreement.objects.get()
    assert agreement.council == cast.council
    parties = set(agreement.parties.all())
    assert parties == {a for a in cast.agencies.values() if a != cast.council} | {
        a for _, a in cast.schools
    }
    assert agreement.review_on == date(2027, 4, 1) and agreement.ends_on is None
    assert SharingAgreement.objects.in_force(TODAY).get() == agreement
    assert agreement.history.earliest().history_change_reason == "Demo data"

    for username in ("psychologist", "health", "socialcare"):
        assert break_glass_agency_ids(actor_for(cast.users[username]), today=TODAY), username
    for username in ("senco", "caseworker", "manager", "iglead", "panelchair"):
        assert not break_glass_agency_ids(actor_for(cast.users[username]), today=TODAY), username
