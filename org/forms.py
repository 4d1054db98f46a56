from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFormMixin

from . import permissions
from .models import Membership, Unit


def _grantable_units(user):
    """Units of the admin's own county where the office hands out roles."""
    units = permissions.restrict(user, permissions.MANAGE_PEOPLE, Unit)
    return units.filter(is_active=True, kind__in=permissions.GRANTABLE_UNIT_KINDS).order_by("kind", "code")


def _grantable_roles():
    return [(r, label) for r, label in Membership.Role.choices if r in permissions.GRANTABLE_ROLES]


class GrantForm(BootstrapFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _grantable_units(user)
        self.fields["role"].choices = _grantable_roles()


class PersonForm(GrantForm):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ ; used to sign in, e.g. zhangsan-sfj"),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    email = forms.EmailField(
        label=_("E-mail"), max_length=254, required=False, help_text=_("Reminders are also sent here.")
    )

    field_order = ["full_name", "username", "unit", "role", "phone", "email"]
