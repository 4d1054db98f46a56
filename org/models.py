"""Regions (province → city → county), the units in them (departments, townships, the office,
the city's and the province's offices) and people's roles in them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel


class RegionManager(models.Manager):
    def default_county(self):
        """The county a single-county deployment works in: the only county there is, or one made
        on first use with its city and province (names are changed in the admin). Nothing to set
        up for one county; a city or a province adds its counties in the admin."""
        counties = list(self.filter(kind=Region.Kind.COUNTY, is_city_level=False).order_by("created_at")[:2])
        if len(counties) == 1:
            return counties[0]
        if counties:
            return counties[0]  # several counties: callers that know better pass their own
        province, _created = self.get_or_create(code="P0", defaults={"kind": Region.Kind.PROVINCE, "name": "本省"})
        city, _created = self.get_or_create(
            code="C0", defaults={"kind": Region.Kind.CITY, "name": "本市", "parent": province}
        )
        county, _created = self.get_or_create(
            code="X0", defaults={"kind": Region.Kind.COUNTY, "name": "本县", "parent": city}
        )
        return county


class Region(BaseModel):
    """A province, a city or a county (县/区/市). Every unit and campaign belongs to one; a city's own
    市本级 campaign belongs to a county-level region of that city marked `is_city_level`.

    Office roles reach the county of their office; a city reviewer the counties of their city; a
    province reviewer what the province's cities recommended (org.permissions)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("City")
        COUNTY = "county", _("County")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # The city's own level (市本级): a county-level region whose campaign the city never
    # recommends as its comprehensive candidate (the plan: 不含市本级).
    is_city_level = models.BooleanField(_("city's own level"), default=False)

    objects = RegionManager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            # A province stands alone; a city is part of a province, a county of a city.
            models.CheckConstraint(
                condition=(models.Q(kind="province") & models.Q(parent__isnull=True))
                | (~models.Q(kind="province") & models.Q(parent__isnull=False)),
                name="region_parent_by_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(is_city_level=False) | models.Q(kind="county"), name="region_city_level_is_county"
            ),
            models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_in_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def city(self):
        return self if self.kind == self.Kind.CITY else self.parent if self.kind == self.Kind.COUNTY else None


def default_region_id():
    """Default for Unit.region and Campaign.region: the deployment's county (see RegionManager)."""
    return Region.objects.default_county().pk


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
        PROVINCE_OFFICE = "province_office", _("Province office")

    # The county a department, township or office belongs to; the city for a city office, the
    # province for a province office.
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="units", default=default_region_id
    )
    # Codes stay unique across the deployment (imports and notices name units by code); names are
    # unique within a region: two counties both have a 司法局.
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=50, blank=True)
    is_law_enforcement = models.BooleanField(_("administrative law-enforcement unit"), default=False)
    locality = models.CharField(_("area"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "campaign_unit"  # the table predates the org app; kept so data stays where it is
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]
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

    permission_region_path = "unit__region"

    class Role(models.TextChoices):
        OFFICE_ADMIN = "office_admin", _("Office admin")
        OFFICE_STAFF = "office_staff", _("Office staff")
        UNIT_LEADER = "unit_leader", _("Unit leader")
        LIAISON = "liaison", _("Liaison")
        CITY_REVIEWER = "city_reviewer", _("City reviewer")
        PROVINCE_REVIEWER = "province_reviewer", _("Province reviewer")

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


class AccountHome(models.Model):
    """The county (or city, province) whose office manages an account: set with the account's
    first role and kept when its roles end, so a county's people list shows only its own people."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="account_home"
    )
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("account's region")
        verbose_name_plural = _("accounts' regions")

    def __str__(self):
        return f"{self.user_id}@{self.region_id}"
