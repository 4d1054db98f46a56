"""People (人员管理): the office admin adds accounts, gives and ends roles, switches
accounts off and hands out temporary passwords (services in org.services); and the
audit trail (操作日志) of the county's people and units."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.audit import audit_label_events
from core.downloads import table_response
from core.models import AuditEvent
from core.tables import export_table

from . import permissions
from .filters import AuditEventFilter
from .forms import GrantForm, PersonForm
from .models import Membership, Unit
from .services import (
    person_create,
    person_grant,
    person_otp_reset,
    person_reset_password,
    person_revoke,
    person_set_active,
)


def _people(user):
    return permissions.people_scope(user).prefetch_related(
        Prefetch("memberships", Membership.objects.select_related("unit"))
    )


def _person(user, pk):
    return permissions.require(
        user, _people(user), permissions.MANAGE_PEOPLE, view_perm=permissions.MANAGE_PEOPLE, pk=pk
    )


@login_required
@require_GET
def people_list(request):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    people = _people(request.user).order_by("-is_active", "username")
    q = request.GET.get("q", "").strip()[:50]
    if q:
        people = people.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__icontains=q))
    unit = request.GET.get("unit", "")
    if unit:
        people = people.filter(memberships__unit__code=unit[:20])
    if request.GET.get("inactive") != "1":
        people = people.filter(is_active=True)
    page = Paginator(people.distinct(), 50).get_page(request.GET.get("page"))
    units = (
        permissions.restrict(request.user, permissions.MANAGE_PEOPLE, Unit)
        .filter(kind__in=permissions.GRANTABLE_UNIT_KINDS)
        .order_by("kind", "code")
    )
    return render(
        request,
        "org/people_list.html",
        {"page": page, "q": q, "unit": unit, "units": units, "inactive": request.GET.get("inactive") == "1"},
    )


@never_cache  # the answer carries a password: no browser or proxy keeps it
@login_required
@require_http_methods(["GET", "POST"])
def person_new(request):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    unit = (
        permissions.restrict(request.user, permissions.MANAGE_PEOPLE, Unit)
        .filter(code=request.GET.get("unit", "")[:20])
        .first()
    )  # the list's filter
    form = PersonForm(
        request.POST or None,
        user=request.user,
        initial={"role": Membership.Role.LIAISON, "unit": unit.pk if unit else None},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = person_create(
                by=request.user,
                username=data["username"],
                full_name=data["full_name"],
                unit=data["unit"],
                role=data["role"],
                phone=data["phone"],
                email=data["email"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown once, on this response only: it is never stored in clear.
            return render(request, "org/person_password.html", {"person": person, "password": password, "new": True})
    return render(request, "org/person_new.html", {"form": form})


@login_required
@require_GET
def person_detail(request, pk):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "grant_form": GrantForm(user=request.user, initial={"role": Membership.Role.LIAISON}),
            "me": person.pk == request.user.pk,
            "grantable": set(permissions.GRANTABLE_ROLES),
        },
    )


def _act(request, person, action, done):
    try:
        action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("org:person", pk=person.pk)


@login_required
@require_POST
def person_grant_view(request, pk):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    form = GrantForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a unit and a role."))
        return redirect("org:person", pk=person.pk)
    return _act(
        request,
        person,
        lambda: person_grant(
            by=request.user, person=person, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"]
        ),
        _("The role was given."),
    )


@login_required
@require_POST
def person_revoke_view(request, pk, membership):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    item = permissions.require(
        request.user,
        Membership.objects.select_related("user", "unit").filter(user=person),
        permissions.MANAGE_PEOPLE,
        view_perm=permissions.MANAGE_PEOPLE,
        pk=membership,
    )
    return _act(request, person, lambda: person_revoke(by=request.user, membership=item), _("The role was ended."))


@login_required
@require_POST
def person_active_view(request, pk):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    active = request.POST.get("active") == "1"
    done = _("The account can sign in again.") if active else _("The account is switched off; its history stays.")
    return _act(request, person, lambda: person_set_active(by=request.user, person=person, active=active), done)


@never_cache
@login_required
@require_POST
def person_password_view(request, pk):
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    password = person_reset_password(by=request.user, person=person)
    return render(request, "org/person_password.html", {"person": person, "password": password, "new": False})


@login_required
@require_POST
def person_otp_reset_view(request, pk):
    """A lost phone: the office (or IT) removes the second factor; the person enrols again."""
    permissions.require_global(request.user, permissions.MANAGE_PEOPLE)
    person = _person(request.user, pk)
    return _act(
        request,
        person,
        lambda: person_otp_reset(by=request.user, person=person, request=request),
        _("The second factor was reset: the person sets up a new one at the next login."),
    )


# --- the audit trail ------------------------------------------------------------------------


@login_required
@require_GET
def audit_list(request):
    """The audit trail for office admins, filterable and paginated."""
    permissions.require_global(request.user, permissions.VIEW_AUDIT)
    events = AuditEventFilter(
        request.GET,
        queryset=permissions.audit_scope(request.user, AuditEvent.objects.select_related("unit")),
        request=request,
    )
    if request.GET.get("export") == "xlsx":
        return _audit_xlsx(events.qs[:AUDIT_EXPORT_LIMIT])
    page = Paginator(events.qs, 50).get_page(request.GET.get("page"))
    page.object_list = audit_label_events(page.object_list)
    return render(request, "org/audit_list.html", {"filter": events, "page": page})


AUDIT_EXPORT_LIMIT = 100_000


def _audit_xlsx(events):
    """The filtered trail as a workbook (formula-escaped: actors and objects are user text)."""
    rows = [
        [
            timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            str(e.verb_label),
            e.object_type,
            e.object_repr,
            e.unit.name if e.unit else "",
            json.dumps(e.before, ensure_ascii=False),
            json.dumps(e.after, ensure_ascii=False),
            e.ip_address or "",
        ]
        for e in events
    ]
    return table_response(
        export_table(
            ["time", "user", "action", "object_type", "object", "unit", "before", "after", "ip"], rows, "xlsx"
        ),
        _("audit log"),
    )
