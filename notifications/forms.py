"""The person's choice of channels, per kind of message they can receive."""

from dataclasses import dataclass

from django import forms

from .models import NotificationKind
from .rules.preferences import (
    GROUPS,
    NONE_REQUIRED,
    Channels,
    refusal_message,
    refused_channels,
)


@dataclass(frozen=True)
class KindRow:
    """One kind on the page: its label, its two boxes and what the council requires."""

    kind: str
    label: str
    email: forms.BoundField
    in_app: forms.BoundField
    required: Channels


class PreferencesForm(forms.Form):
    """Two boxes per kind (e-mail, in-app). Unticking a box the council requires is refused with
    the reason (notifications.rules.preferences.refused_channels), never silently ignored."""

    def __init__(self, *args, kinds, chosen: dict, required: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        self.required = {kind: required.get(kind, NONE_REQUIRED) for kind in self.kinds}
        for kind in self.kinds:
            now = chosen.get(kind, Channels())
            self.fields[self._name(kind, "email")] = forms.BooleanField(
                label="By e-mail", required=False, initial=now.email
            )
            self.fields[self._name(kind, "in_app")] = forms.BooleanField(
                label="In the service", required=False, initial=now.in_app
            )

    @staticmethod
    def _name(kind: str, channel: str) -> str:
        return f"{kind.lower()}_{channel}"

    def clean(self):
        data = super().clean()
        for kind in self.kinds:
            chosen = self._chosen(data, kind)
            for channel in refused_channels(chosen, self.required[kind]):
                self.add_error(
                    self._name(kind, channel),
                    refusal_message(channel, NotificationKind(kind).label),
                )
        return data

    def _chosen(self, data, kind) -> Channels:
        return Channels(
            email=bool(data.get(self._name(kind, "email"))),
            in_app=bool(data.get(self._name(kind, "in_app"))),
        )

    @property
    def choices(self) -> dict[str, Channels]:
        """The person's choice per kind (after is_valid)."""
        return {kind: self._chosen(self.cleaned_data, kind) for kind in self.kinds}

    def groups(self) -> list[tuple[str, list[KindRow]]]:
        """The kinds shown, in the page's groups (a group with none of them is left out)."""
        shown = []
        for group in GROUPS:
            rows = [
                KindRow(
                    kind=kind,
                    label=NotificationKind(kind).label,
                    email=self[self._name(kind, "email")],
                    in_app=self[self._name(kind, "in_app")],
                    required=self.required[kind],
                )
                for kind in group.kinds
                if kind in self.kinds
            ]
            if rows:
                shown.append((group.title, rows))
        return shown
