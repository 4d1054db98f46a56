"""Real identity servers on loopback for the single sign-on tests (core/sso.py).

- slapd: Debian's OpenLDAP server with its own config and a small directory in a temp folder.
- CAS: the three URLs of the CAS protocol (/login, /p3/serviceValidate, /logout) served from a
  thread. It issues and validates real tickets over HTTP; what it does not do is check a password
  (the test names who is "signed in at CAS"), which is the CAS server's business, not ours.
- OpenID Connect: django-oidc-provider in its own Django project (tests/oidc_op/), run by
  runserver in another process with its own SQLite database.
"""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
LDAP_BASE = "dc=county,dc=example"
LDAP_ADMIN = f"cn=admin,{LDAP_BASE}"
LDAP_ADMIN_PASSWORD = "admin-secret"  # noqa: S105
DIRECTORY_PASSWORD = "directory-pass-1"  # noqa: S105
# People in the directory: liaison-a and office-admin have accounts in the world fixture,
# stranger has none; the test switches accounts off itself.
DIRECTORY_PEOPLE = ["liaison-a", "office-admin", "stranger"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc=None, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- LDAP ------------------------------------------------------------------------------------


def _slapd_conf(folder):
    schema = "/etc/ldap/schema"
    return f"""
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
pidfile {folder}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{LDAP_BASE}"
rootdn "{LDAP_ADMIN}"
rootpw {LDAP_ADMIN_PASSWORD}
directory {folder}/data
access to attrs=userPassword by self read by anonymous auth by * none
access to * by * read
"""


def _directory_ldif():
    entries = [
        f"dn: {LDAP_BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: county\no: County\n",
        f"dn: ou=people,{LDAP_BASE}\nobjectClass: organizationalUnit\nou: people\n",
    ]
    for uid in DIRECTORY_PEOPLE:
        entries.append(
            f"dn: uid={uid},ou=people,{LDAP_BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\n"
            f"userPassword: {DIRECTORY_PASSWORD}\n"
        )
    return "\n".join(entries)


def start_slapd(folder):
    """slapd on a free loopback port with the directory above; returns (process, uri)."""
    folder = Path(folder)
    (folder / "data").mkdir(parents=True)
    (folder / "slapd.conf").write_text(_slapd_conf(folder))
    (folder / "directory.ldif").write_text(_directory_ldif())
    subprocess.run(
        [SLAPADD, "-f", str(folder / "slapd.conf"), "-l", str(folder / "directory.ldif")],
        check=True,
        capture_output=True,
    )
    port = free_port()
    uri = f"ldap://127.0.0.1:{port}"
    # -d keeps slapd in the foreground (and so ours to stop); level 0 logs nothing.
    proc = subprocess.Popen(
        [SLAPD, "-f", str(folder / "slapd.conf"), "-h", uri + "/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc)
    return proc, uri


# --- CAS ---------------------------------------------------------------------------------------


class CASServer(ThreadingHTTPServer):
    """Issues service tickets for whoever `signed_in` names and validates them once (CAS 3)."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", free_port()), _CASHandler)
        self.signed_in = None  # the CAS user the next /login hands a ticket to
        self.attributes = {}
        self.tickets = {}  # ticket -> (user, service)
        self.validations = []  # (ticket, service, accepted)
        self.logouts = []  # the service URLs /logout was asked to return to

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def __enter__(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


class _CASHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        server = self.server
        if url.path == "/login":
            service = query.get("service", "")
            if server.signed_in is None:
                return self._answer(200, "text/html", "<form>CAS login form</form>")
            ticket = f"ST-{uuid.uuid4().hex}"
            server.tickets[ticket] = (server.signed_in, service)
            sep = "&" if "?" in service else "?"
            self.send_response(302)
            self.send_header("Location", f"{service}{sep}{urlencode({'ticket': ticket})}")
            self.end_headers()
        elif url.path in ("/p3/serviceValidate", "/serviceValidate"):
            ticket, service = query.get("ticket", ""), query.get("service", "")
            user, issued_for = server.tickets.pop(ticket, (None, None))  # a ticket works once
            accepted = user is not None and issued_for == service
            server.validations.append((ticket, service, accepted))
            self._answer(200, "text/xml", _validation_xml(user if accepted else None, ticket, server.attributes))
        elif url.path == "/logout":
            server.logouts.append(query.get("service", ""))
            self._answer(200, "text/html", "<p>CAS: logged out</p>")
        else:
            self._answer(404, "text/plain", "not found")

    def _answer(self, status, content_type, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _validation_xml(user, ticket, attributes):
    ns = "http://www.yale.edu/tp/cas"
    if user is None:
        return (
            f'<cas:serviceResponse xmlns:cas="{ns}"><cas:authenticationFailure code="INVALID_TICKET">'
            f"Ticket {escape(ticket)} not recognized</cas:authenticationFailure></cas:serviceResponse>"
        )
    attrs = "".join(f"<cas:{k}>{escape(v)}</cas:{k}>" for k, v in attributes.items())
    return (
        f'<cas:serviceResponse xmlns:cas="{ns}"><cas:authenticationSuccess><cas:user>{escape(user)}</cas:user>'
        f"<cas:attributes>{attrs}</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>"
    )


# --- OpenID Connect ------------------------------------------------------------------------------

OIDC_CLIENT_ID = "fazhi-test"
OIDC_CLIENT_SECRET = "fazhi-test-secret"  # noqa: S105
PROVIDER_PASSWORD = "provider-pass-1"  # noqa: S105


def start_oidc_provider(folder, redirect_uri, people, post_logout_redirect_uri=""):
    """django-oidc-provider (tests/oidc_op) on a free port, with a client for `redirect_uri`
    (and `post_logout_redirect_uri` for its end-session endpoint) and an account at the provider
    (password PROVIDER_PASSWORD) for each name in `people`. Returns (process, base URL)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_op.settings",
        "OIDC_PROVIDER_DB": str(Path(folder) / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    for var in ("DATABASE_URL", "REDIS_URL"):
        env.pop(var, None)
    manage = [sys.executable, "-m", "django"]
    for command in (
        ["migrate", "-v0"],
        ["creatersakey"],
        [
            "provider_setup",
            OIDC_CLIENT_ID,
            OIDC_CLIENT_SECRET,
            redirect_uri,
            PROVIDER_PASSWORD,
            *people,
            f"--post-logout-redirect-uri={post_logout_redirect_uri}",
        ],
    ):
        done = subprocess.run([*manage, *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"provider {command[0]} failed: {done.stderr[-2000:]}")
    port = free_port()
    proc = subprocess.Popen(
        [*manage, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc)
    return proc, f"http://127.0.0.1:{port}"


def oidc_settings(base):
    """Our settings for the provider at `base` (what an office would put in its environment)."""
    return {
        "OIDC_RP_CLIENT_ID": OIDC_CLIENT_ID,
        "OIDC_RP_CLIENT_SECRET": OIDC_CLIENT_SECRET,
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{base}/openid/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{base}/openid/token",
        "OIDC_OP_USER_ENDPOINT": f"{base}/openid/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{base}/openid/jwks",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid profile",
        "OIDC_OP_END_SESSION_ENDPOINT": f"{base}/openid/end-session",
        "OIDC_STORE_ID_TOKEN": True,  # what config/settings/base.py derives from the endpoint
    }


def csp_allowing_logout_to(policy, url):
    """The Content Security Policy the settings build when single sign-on's logout leads to `url`
    (config/settings/base.py, SSO_LOGOUT_ORIGINS): form-action also allows its origin."""
    parts = urlparse(url)
    directives = {**policy["DIRECTIVES"]}
    directives["form-action"] = [*directives["form-action"], f"{parts.scheme}://{parts.netloc}"]
    return {**policy, "DIRECTIVES": directives}
