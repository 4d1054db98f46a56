"""Units of the county (departments, townships, the office, the city office) and
people's roles in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class Unit(BaseModel):
    """A department, township (乡镇/街道), the rule-of-law office or the city office.

    Object permissions for a unit's work (tasks, evidence) are granted on the
    Unit row with django-guardian; see core.permissions.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Department")
        TOWNSHIP = "township", _("Township / subdistrict")
        OFFICE = "office", _("Rule-of-law office")
        CITY_OFFICE = "city_office", _("City office")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_law_enforcement = models.BooleanField(_("administrative law-enforcement unit"), default=False)
    region = models.CharField(_("region"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "campaign_unit"  # the table predates the org app; kept so data stays where it is
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        permissions = [
            # Granted per unit (guardian) to its leader and liaison; county-wide
            # (global) to office roles. org.permissions is the only reader.
            ("view_unit_work", _("Can see the unit's tasks and evidence")),
            ("contribute_unit_work", _("Can upload evidence and submit the unit's tasks")),
            ("signoff_unit_work", _("Can sign off the unit's submissions")),
            ("review_unit_work", _("Can review the unit's evidence")),
        ]

    def __str__(self):
        return self.short_name or self.name


class Membership(BaseModel):
    """A user's role in a unit. Creating or ending one grants or revokes permissions
    (org.services.membership_create / membership_end), never a signal."""

    class Role(models.TextChoices):
        OFFICE_ADMIN = "office_admin", _("Office admin")
        OFFICE_STAFF = "office_staff", _("Office staff")
        UNIT_LEADER = "unit_leader", _("Unit leader")
        LIAISON = "liaison", _("Liaison")
        CITY_REVIEWER = "city_reviewer", _("City reviewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        db_table = "campaign_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user_id}@{self.unit_id}:{self.role}"
