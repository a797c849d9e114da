"""What every form shares: the GOV.UK form base (a refused number never crashes the database),
the date field every date input uses (a date a statutory period can be added to) and the school
or setting field (a text box for the name or URN: no page lists every school)."""

import re
from datetime import date

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from django import forms
from django.db import connections
from django.db.models import QuerySet
from django.urls import reverse_lazy

from agencies import schools


class GovForm(forms.Form):
    """A form rendered with GOV.UK Design System markup; the template provides <form> and button."""

    def full_clean(self):
        # A form written with Django's ModelMultipleChoiceField still cannot crash on a number too
        # big for the database (see ModelMultipleChoiceField below).
        for field in self.fields.values():
            if type(field) is forms.ModelMultipleChoiceField:
                field.__class__ = ModelMultipleChoiceField
        super().full_clean()

    @property
    def helper(self) -> FormHelper:
        """Built when the template renders the form, so that fields a subclass adds in its
        ``__init__`` are in the layout too (a field the page does not draw is a field nobody can
        fill in)."""
        helper = FormHelper(self)
        helper.form_tag = False
        helper.label_size = "s"
        helper.legend_size = "s"
        return helper


#: The dates a form accepts. Every statutory date is computed by adding weeks or months to a
#: date typed in; a date near the end of the calendar (9999-12-31) would overflow, and nothing
#: in an EHC case happens before 1900 or after 2099.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)


class GovDateField(DateInputField):
    """GOV.UK date input: a real date between EARLIEST_DATE and LATEST_DATE, with messages that
    name the field ("Date of birth must be a real date")."""

    def __init__(self, *, label: str, **kwargs):
        super().__init__(label=label, **kwargs)
        # "Date advice was requested (optional)" -> "Date advice was requested"
        self.name_in_messages = re.sub(r"\s*\([^)]*\)$", "", label)

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:  # 31 2 2026, month 13, a 30-digit year
            raise forms.ValidationError(
                f"{self.name_in_messages} must be a real date", code="invalid"
            ) from error
        if value < EARLIEST_DATE:
            raise forms.ValidationError(
                f"{self.name_in_messages} must be the same as or after {EARLIEST_DATE.day} "
                f"{EARLIEST_DATE:%B %Y}",
                code="min_value",
            )
        if value > LATEST_DATE:
            raise forms.ValidationError(
                f"{self.name_in_messages} must be the same as or before {LATEST_DATE.day} "
                f"{LATEST_DATE:%B %Y}",
                code="max_value",
            )
        return value


def date_field(label: str, *, required: bool = True, help_text: str = "") -> DateInputField:
    field = GovDateField(
        label=label, required=required, help_text=help_text or "For example, 27 3 2026"
    )
    field.error_messages["required"] = f"Enter the {label[0].lower()}{label[1:]}"
    field.error_messages["incomplete"] = f"{label} must include a day, month and year"
    return field


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that a key too big (or too small) for the database's integer
    column is an invalid choice instead of an OverflowError from the database driver (SQLite
    refuses integers beyond 64 bits in ``pk__in``). GovForm uses it for every such field."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        meta = self.queryset.model._meta
        model_field = meta.pk if key == "pk" else meta.get_field(key)
        ops = connections[self.queryset.db].ops
        internal_type = model_field.get_internal_type()
        if internal_type in ops.integer_field_ranges:
            low, high = ops.integer_field_range(internal_type)
            for item in value if isinstance(value, (list, tuple)) else ():
                text = str(item).strip()
                if not re.fullmatch(r"[-+]?[0-9]+", text):
                    continue  # not a number: Django's own checks reject it
                number = int(text)
                if (low is not None and number < low) or (high is not None and number > high):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)


SETTING_HINT = "Type the school's name or its URN"
SETTINGS_HINT = "One school or setting a line: type its name or its URN"
#: Schools one box of several takes at most.
MOST_SETTINGS = 20


class SettingField(forms.Field):
    """A school or setting, typed by its name or its URN (England has about 24,000: no page
    lists them all). It resolves to exactly one agency of ``queryset`` (an exact URN; else the
    name in full; else the one name that contains every word typed), or the form says why not and
    nothing changes. With ``multiple``, one a line in a text area, cleaned to a list.

    The box offers suggestions from ``agencies:setting-search`` when the browser runs
    JavaScript (static/js/setting-search.js fills a <datalist>); without it, typing still works.
    A prefilled school shows as "Name (URN 123456)", which resolves to it again.

    ``withheld``: a protected child's school, shown and typed back as ``withheld_label``, never by
    its name (DM-02)."""

    def __init__(
        self,
        *,
        queryset=None,
        multiple: bool = False,
        withheld=None,
        withheld_label: str = "",
        help_text: str = "",
        **kwargs,
    ):
        self.multiple = multiple
        hint = SETTINGS_HINT if multiple else SETTING_HINT
        if multiple:
            widget = forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})
        else:
            widget = forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "data-setting-search": reverse_lazy("agencies:setting-search"),
                }
            )
        super().__init__(
            widget=widget, help_text=f"{hint}. {help_text}" if help_text else hint, **kwargs
        )
        self.queryset = schools.settings_offered() if queryset is None else queryset
        self.withheld = withheld
        self.withheld_label = withheld_label

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.queryset = self.queryset.all()
        return result

    def _label(self, value) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, int):
            value = self.queryset.model.objects.filter(pk=value).first()
            if value is None:
                return ""
        if self.withheld is not None and value.pk == self.withheld.pk:
            return self.withheld_label
        return schools.setting_label(value)

    def prepare_value(self, value):
        """Typed text is shown as it was typed; a prefilled school (an agency or its key) by its
        name and URN."""
        if isinstance(value, str):
            return value
        if isinstance(value, (list, tuple, QuerySet)):
            return "\n".join(self._label(item) for item in value)
        return self._label(value)

    def _find(self, text: str):
        if self.withheld is not None and text.casefold() == self.withheld_label.casefold():
            return self.withheld
        found = schools.setting_find(self.queryset, text)
        if found.agency is not None:
            return found.agency
        if not found.count:
            raise forms.ValidationError(
                f"No school or setting matches “{found.text}”", code="invalid_choice"
            )
        listed = ", ".join(schools.setting_label(a) for a in found.candidates)
        more = ", and more" if found.count > len(found.candidates) else ""
        raise forms.ValidationError(
            f"{found.count} schools match “{found.text}”: type more of the name, or the URN "
            f"({listed}{more})",
            code="ambiguous",
        )

    def clean(self, value):
        lines = [" ".join(line.split()) for line in str(value or "").splitlines()]
        lines = [line for line in lines if line]
        if not self.multiple:
            lines = [" ".join(lines)] if lines else []
        if not lines:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [] if self.multiple else None
        if len(lines) > MOST_SETTINGS:
            raise forms.ValidationError(
                f"Enter at most {MOST_SETTINGS} schools or settings", code="too_many"
            )
        chosen, errors = [], []
        for line in lines:
            try:
                agency = self._find(line)
            except forms.ValidationError as error:
                errors.append(error)
                continue
            if agency not in chosen:
                chosen.append(agency)
        if errors:
            raise forms.ValidationError(errors)
        return chosen if self.multiple else chosen[0]
