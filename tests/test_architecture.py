"""The house rules that keep the floors apart, checked on the code itself.

- Views load objects only through the permission module (org.permissions): no
  get_object_or_404, no has_perm, no direct object load of a scoped model.
- Every view decides access through that module (or is listed below with the reason
  it needs none).
- The import-layers contract (pyproject.toml) holds: lint-imports is run by this test
  so a plain pytest run catches an upward import too.
"""

import ast
import subprocess
import sys
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[1]
OUR_APPS = [
    "core",
    "org",
    "indicators",
    "campaign",
    "assignments",
    "evidence",
    "assessment",
    "inspection",
    "reports",
    "review",
    "portal",
]
VIEW_MODULES = sorted(p for app in OUR_APPS for p in (ROOT / app).glob("views.py"))
# Rows that belong to one person, filtered on request.user; not county data.
PERSONAL_MODELS = {"Notification", "User", "UserSession", "StaticDevice"}
# Views that need no permission decision, and why.
OPEN_VIEWS = {
    ("core", "healthz"): "the load balancer's probe; says only up or down",
    ("core", "notification_list"): "the signed-in user's own messages",
    ("core", "notification_read"): "marks the signed-in user's own messages read",
    ("core", "sso_oidc"): "the way in before login: off to the identity provider (404 when OIDC is off)",
    ("core", "sso_oidc_callback"): "the way in before login: the provider's answer decides (core.sso)",
    (
        "core",
        "sso_cas",
    ): "the way in before login: the CAS server's ticket decides (core.sso); its POST is the CAS server's single logout, which ends only the session its ticket opened",
    ("core", "sso_cas_logout"): "ends the signed-in user's own session (here and at CAS)",
    ("core", "sso_oidc_logout"): "ends the signed-in user's own session (here and at the OIDC provider)",
    ("core", "otp_verify"): "the login's second step for the signed-in person's own devices",
    ("core", "otp_setup"): "enrols the signed-in person's own second factor",
    ("core", "account_security"): "the signed-in person's own second factor and sessions",
    ("core", "otp_recovery"): "new recovery codes for the signed-in person's own device",
    ("core", "otp_disable"): "switches off the signed-in person's own optional second factor",
    ("core", "session_end_view"): "ends one of the signed-in person's own sessions",
    ("portal", "home"): "each role's start page, built from the user's own memberships and scoped selectors",
}
LOADERS = {"get", "first", "last", "get_or_create", "update_or_create", "in_bulk", "earliest", "latest"}


def _scoped_model_names():
    names = set()
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__ not in PERSONAL_MODELS:
                names.add(model.__name__)
    return names


def _chain_root(node):
    """The name a call chain starts from: `Evidence` in Evidence.objects.filter(...).first()."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            node = node.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _has_objects(node):
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return False


def _inside_permissions_call(node, parents):
    while node in parents:
        node = parents[node]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and _chain_root(node.func) == "permissions"
        ):
            return True
    return False


def _violations(path, scoped):
    tree = ast.parse(path.read_text())
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if name in ("get_object_or_404", "get_list_or_404"):
            found.append(f"{where} {name}")
        elif name == "has_perm":
            found.append(f"{where} has_perm")
        elif (
            isinstance(func, ast.Attribute)
            and name in LOADERS
            and _has_objects(func)
            and _chain_root(func) in scoped
            and not _inside_permissions_call(node, parents)
        ):
            found.append(f"{where} {_chain_root(func)}.objects…{name}()")
    return found


def test_views_load_objects_only_through_the_permission_module():
    scoped = _scoped_model_names()
    found = [v for path in VIEW_MODULES for v in _violations(path, scoped)]
    assert found == []


def test_the_walker_sees_a_direct_load():
    # The check above would pass on code it cannot read: prove it finds each kind.
    code = (
        "from django.shortcuts import get_object_or_404\n"
        "def v(request, pk):\n"
        "    a = get_object_or_404(Evidence, pk=pk)\n"
        "    b = Evidence.objects.filter(pk=pk).first()\n"
        "    c = permissions.require(request.user, Evidence.objects.all(), pk=pk)\n"
        "    d = request.user.has_perm('x')\n"
    )
    sample = ROOT / "var" / "walker_sample_views.py"
    sample.parent.mkdir(exist_ok=True)
    sample.write_text(code)
    try:
        found = [v.split(" ", 1)[1] for v in _violations(sample, {"Evidence"})]
    finally:
        sample.unlink()
    assert found == ["get_object_or_404", "Evidence.objects…first()", "has_perm"]


def _view_functions(path):
    tree = ast.parse(path.read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            yield node


def _calls_permissions(func, helpers):
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and _chain_root(node) == "permissions":
            return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
            return True
    return False


def test_every_view_decides_access_through_the_permission_module():
    missing = []
    for path in VIEW_MODULES:
        app = path.parent.name
        tree = ast.parse(path.read_text())
        # Module helpers (`_share(user, pk)`) that call the module count for the views using them.
        helpers = {
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and not n.decorator_list and _calls_permissions(n, set())
        }
        for func in _view_functions(path):
            if (app, func.name) not in OPEN_VIEWS and not _calls_permissions(func, helpers):
                missing.append(f"{app}.views.{func.name}")
    assert missing == []


def test_open_views_exist():
    names = {(p.parent.name, f.name) for p in VIEW_MODULES for f in _view_functions(p)}
    assert set(OPEN_VIEWS) <= names


def test_apps_import_only_their_own_floor_or_lower():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_the_list_of_our_apps_is_whole():
    """The project-wide checks (hardening, formula escaping, views) walk OUR_APPS: a new app
    (a directory with an apps.py) is checked once it is listed here."""
    assert sorted(OUR_APPS) == sorted(p.parent.name for p in ROOT.glob("*/apps.py"))
