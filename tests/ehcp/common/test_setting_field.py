"""The school or setting box (ehcp.common.forms.SettingField): typed by name or URN, resolved to
exactly one school the form offers, or refused with a message that says what to type."""

import pytest
from django import forms

from agencies import schools
from agencies.models import AgencyKind
from ehcp.common.forms import GovForm, SettingField
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


class OneForm(GovForm):
    setting = SettingField(label="School", required=False)


class ManyForm(GovForm):
    settings = SettingField(label="Schools", multiple=True, required=False)


def school(name, urn="", **kwargs):
    return AgencyFactory(kind=AgencyKind.SCHOOL, name=name, urn=urn, **kwargs)


@pytest.fixture
def hill():
    return school("Marker Hill Primary School", "100001")


@pytest.fixture
def academy():
    return school("Marker Hill Academy", "100002")


def cleaned(form_class, value, name="setting"):
    form = form_class({name: value})
    return form, (form.cleaned_data.get(name) if form.is_valid() else None)


def test_an_exact_urn_and_a_unique_name_resolve_to_the_school(hill, academy):
    assert cleaned(OneForm, "100002")[1] == academy
    assert cleaned(OneForm, "marker hill primary school")[1] == hill
    assert cleaned(OneForm, "hill primary")[1] == hill
    assert cleaned(OneForm, "Marker Hill Academy (URN 100002)")[1] == academy


def test_an_empty_box_is_no_school_unless_one_is_required(hill):
    assert cleaned(OneForm, "  ")[1] is None
    required = SettingField(label="School", error_messages={"required": "Enter the school"})
    with pytest.raises(forms.ValidationError) as error:
        required.clean("")
    assert error.value.messages == ["Enter the school"]


def test_a_name_several_schools_share_is_refused_naming_them(hill, academy):
    form, _ = cleaned(OneForm, "marker hill")
    assert form.errors["setting"] == [
        "2 schools match “marker hill”: type more of the name, or the URN "
        "(Marker Hill Academy (URN 100002), Marker Hill Primary School (URN 100001))"
    ]


def test_more_candidates_than_are_listed_are_counted(hill):
    for n in range(7):
        school(f"Birch School {n}")
    form, _ = cleaned(OneForm, "birch")
    message = form.errors["setting"][0]
    assert message.startswith("7 schools match “birch”") and message.endswith(", and more)")
    assert message.count("Birch School") == 5


def test_nothing_matching_is_refused(hill):
    form, _ = cleaned(OneForm, "Riverside")
    assert form.errors["setting"] == ["No school or setting matches “Riverside”"]


def test_a_school_the_form_does_not_offer_is_not_found(hill):
    closed = school("Old Meadow School", "100004", is_active=False)
    clinic = AgencyFactory(kind=AgencyKind.HEALTH, name="Meadow Clinic")
    for typed in (closed.name, closed.urn, clinic.name):
        form, _ = cleaned(OneForm, typed)
        assert form.errors["setting"] == [f"No school or setting matches “{typed}”"]

    class OnlyHill(GovForm):
        setting = SettingField(label="School", queryset=schools.settings_offered().none())

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["setting"].queryset = schools.settings_offered().filter(pk=hill.pk)

    other = school("Meadow Special School", "100003")
    assert cleaned(OnlyHill, other.urn)[0].errors["setting"] == [
        "No school or setting matches “100003”"
    ]
    assert cleaned(OnlyHill, "marker")[1] == hill
    # A form's queryset is its own: the class's field is not changed.
    assert OnlyHill.base_fields["setting"].queryset.count() == 0


def test_a_prefilled_school_shows_its_name_and_urn_and_resolves_to_it_again(hill):
    for initial in (hill, hill.pk):
        form = OneForm(initial={"setting": initial})
        assert form["setting"].value() == "Marker Hill Primary School (URN 100001)"
        html = str(form["setting"])
        assert 'value="Marker Hill Primary School (URN 100001)"' in html
        assert 'data-setting-search="/agencies/settings/search/"' in html
        assert 'type="text"' in html
    assert cleaned(OneForm, OneForm(initial={"setting": hill})["setting"].value())[1] == hill
    assert OneForm.base_fields["setting"].help_text == "Type the school's name or its URN"


def test_what_was_typed_is_shown_again_with_the_error(hill):
    form, _ = cleaned(OneForm, "Riversid")
    assert form["setting"].value() == "Riversid"


def test_a_withheld_school_is_shown_and_typed_back_without_its_name(hill):
    field = SettingField(label="School", withheld=hill, withheld_label="The child's school")
    assert field.prepare_value(hill.pk) == "The child's school"
    assert field.clean("the child's school") == hill
    assert field.clean("Marker Hill Primary School") == hill


def test_several_schools_one_a_line(hill, academy):
    form, value = cleaned(ManyForm, "100001\r\n\r\nmarker hill academy\n100001", name="settings")
    assert value == [hill, academy]
    assert cleaned(ManyForm, "", name="settings")[1] == []
    form, _ = cleaned(ManyForm, "100001\nRiverside\nmarker hill", name="settings")
    assert form.errors["settings"][0] == "No school or setting matches “Riverside”"
    assert form.errors["settings"][1].startswith("2 schools match “marker hill”")
    assert str(ManyForm(initial={"settings": [hill, academy]})["settings"]).count("(URN") == 2
    assert "<textarea" in str(ManyForm()["settings"])


def test_too_many_lines_are_refused_before_any_look_up(django_assert_num_queries):
    with django_assert_num_queries(0):
        form, _ = cleaned(ManyForm, "\n".join(f"School {n}" for n in range(21)), name="settings")
    assert form.errors["settings"] == ["Enter at most 20 schools or settings"]
