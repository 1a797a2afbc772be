"""Inviting members, signing up from an invitation, changing a role."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from studio.models import Membership, Role


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if Membership.objects.filter(workspace=self.workspace, user__email__iexact=email).exists():
            raise forms.ValidationError("Someone with that e-mail is already a member.")
        return email


class SignupForm(UserCreationForm):
    """An account for a person who accepts an invitation; the e-mail is the invited one."""

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # django-stubs lacks it
        model = get_user_model()
        fields = ["username"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
