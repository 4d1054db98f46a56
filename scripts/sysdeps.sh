#!/usr/bin/env bash
# Checks the Debian packages the app needs and installs the missing ones when it
# can (root with apt-get); otherwise says exactly what to install.
#   scripts/sysdeps.sh run   — fonts and HarfBuzz subsetting (PDF), gettext (messages), and the headers
#                              python-ldap compiles against (LDAP sign-on: the ldap and dev extras)
#   scripts/sysdeps.sh test  — the above plus chromium (browser tests), poppler-utils and LibreOffice
#                              Writer and Calc (real office tables and documents for the tests), slapd
#                              and ldap-utils (the LDAP sign-on tests run a real directory server), nginx
#                              (its config checked)
#   scripts/sysdeps.sh bench — the run set plus wrk (load run), zip (package baseline), redis-server (outage run),
#                              nginx and chromium (the proxy and phone runs)
set -euo pipefail
mode=${1:-run}
pkgs=(fonts-noto-cjk libharfbuzz-subset0 gettext libldap2-dev libsasl2-dev)
[ "$mode" = test ] && pkgs+=(chromium poppler-utils libreoffice-calc-nogui libreoffice-writer-nogui slapd ldap-utils nginx)
[ "$mode" = bench ] && pkgs+=(wrk zip redis-server nginx chromium)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian system: install the equivalents of: ${missing[*]}" >&2
  # Without msgfmt the messages cannot be compiled; without the others only PDFs or browser tests suffer.
  command -v msgfmt >/dev/null 2>&1 || exit 1
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=sudo; else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with:  sudo apt-get install -y ${missing[*]}" >&2
    command -v msgfmt >/dev/null 2>&1 || exit 1
    exit 0
  fi
else
  SUDO=
fi
echo "Installing system packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
