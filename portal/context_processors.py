from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaign.selectors import campaign_open_for
from core import security
from core.notifications import notification_unread_count
from org import permissions
from org.models import Membership
from org.selectors import UNIT_ROLES, membership_roles


def navigation(request):
    """The navigation bar's entries for the signed-in user's roles."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    session = getattr(request, "session", None)
    if session is not None and session.get(security.NEED_KEY) and not user.is_verified():
        # Between the password and the second factor: nothing to go to but the code page (the
        # middleware sends every other page back there) and the way out.
        return {"second_step_pending": True}
    roles = membership_roles(user)
    # The bar keeps the daily pages; the rest goes under "More" so it fits a desk screen.
    office = permissions.can(user, permissions.REVIEW_UNIT_WORK)
    unit_roles = bool(roles & set(UNIT_ROLES))
    items, more = [(_("Home"), reverse("portal:home"))], []
    if office or unit_roles:
        items.append((_("Dashboard"), reverse("assessment:dashboard")))
    if office:
        items.append((_("Self-assessment"), reverse("assessment:list")))
    if permissions.can(user, permissions.MANAGE_ASSIGNMENTS):
        items.append((_("Tasks"), reverse("assignments:list")))
        items.append((_("Accountability"), reverse("assignments:board")))
    if office:
        items.append((_("Review"), reverse("evidence:queue")))
        items.append((_("Reports"), reverse("reports:index")))
    if Membership.Role.CITY_REVIEWER in roles:
        items.append((_("City workspace"), reverse("review:city")))
        items.append((_("Submissions"), reverse("reports:submissions")))
    if Membership.Role.PROVINCE_REVIEWER in roles:
        items.append((_("Province workspace"), reverse("review:province")))
    if permissions.is_member(user):
        (more if office else items).append((_("Indicators"), reverse("indicators:list")))
        if office or unit_roles:
            (more if office else items).append((_("Problem pool"), reverse("assessment:rectifications")))
        more.append((_("Campaigns"), reverse("campaign:list")))
    if office or unit_roles:
        # The 迎检 workspace: daily work for the units' liaisons (on their phones), under
        # "More" for the office, whose bar is full; reachable at every stage for preparation.
        (more if office else items).append((_("Inspection preparation"), reverse("inspection:publicity")))
    if permissions.can(user, permissions.IMPORT_TABLES):
        more.append((_("Import task table"), reverse("assignments:import")))
    if permissions.can(user, permissions.MANAGE_PEOPLE):
        more.append((_("People"), reverse("org:people")))
    if permissions.can(user, permissions.VIEW_AUDIT):
        more.append((_("Audit trail"), reverse("org:audit")))
    if user.is_superuser:
        more.append((_("System administration"), reverse("admin:index")))
    role_labels = sorted({str(label) for value, label in _role_choices() if value in roles})
    return {
        **_campaign_switcher(user),
        "access_contact": _access_contact(roles),
        "nav_items": items,
        "nav_more": more,
        "nav_roles": role_labels,
        "unread_count": notification_unread_count(user),
    }


def _campaign_switcher(user):
    """The header's campaign switcher, shown when the county runs more than one open campaign
    (a comprehensive and a single-item one): one query."""
    if not permissions.is_member(user):
        return {}
    campaigns = list(campaign_open_for(user))
    if len(campaigns) < 2:
        return {}
    chosen = getattr(user, "chosen_campaign_id", None)
    current = next((c for c in campaigns if str(c.pk) == str(chosen)), campaigns[0])
    return {"switch_campaigns": campaigns, "switch_current": current}


def _role_choices():
    return Membership.Role.choices


def _access_contact(roles):
    """Whom the 403 page sends the user to: the one who hands out their kind of role.
    The county office grants unit and staff roles; city reviewers are set up by IT."""
    R = Membership.Role
    # Whole sentences, so each language joins them its own way (Chinese puts no space after 。).
    if R.OFFICE_ADMIN in roles:
        return _("Your role does not allow this. Ask the system administrator if you need it.")
    if R.OFFICE_STAFF in roles or roles & set(UNIT_ROLES):
        return _("Your role does not allow this. Ask the county rule-of-law office if you need it.")
    if R.CITY_REVIEWER in roles:
        return _("Your role does not allow this. Ask your city office or the system administrator if you need it.")
    return _("Your role does not allow this. Ask the office that set up your account if you need it.")
