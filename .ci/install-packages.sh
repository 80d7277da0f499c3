#!/usr/bin/env bash
# Installs the Debian packages the tests use as independent parts and oracles:
#   dovecot-imapd                    a real IMAP server (test/mail/in/imap.test.ts)
#   chromium                         the web interface and rendered mails in a real browser
#   mosquitto                        a real MQTT broker
#   gammu                            a third-party AT client against the modem simulator
#   tshark                           Wireshark's WSP/MMS dissectors as an independent decoder
#   mobile-broadband-provider-info   the carrier settings database (serviceproviders.xml)
#   libxml2-utils                    xmllint, an independent XML checker for MM7
# Idempotent: installs only what is missing. A package that cannot be installed is reported,
# and the tests that need it skip with a message saying so.
set -uo pipefail

declare -A probe=(
  [dovecot-imapd]=/usr/sbin/dovecot
  [chromium]=/usr/bin/chromium
  [mosquitto]=/usr/sbin/mosquitto
  [gammu]=/usr/bin/gammu
  [tshark]=/usr/bin/tshark
  [mobile-broadband-provider-info]=/usr/share/mobile-broadband-provider-info/serviceproviders.xml
  [libxml2-utils]=/usr/bin/xmllint
)

missing=()
for pkg in "${!probe[@]}"; do
  [ -e "${probe[$pkg]}" ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-packages: all test packages present"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-packages: apt-get not available; tests needing ${missing[*]} will skip" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-packages: not root and no sudo; tests needing ${missing[*]} will skip" >&2
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-packages: installing ${missing[*]}"
$SUDO apt-get update -qq || echo "install-packages: apt-get update failed" >&2
for pkg in "${missing[@]}"; do
  $SUDO apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null \
    || echo "install-packages: $pkg could not be installed; its tests will skip" >&2
done
# Packages that start system instances: the tests run private ones and need none.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl stop dovecot mosquitto >/dev/null 2>&1 || true
fi
for pkg in "${!probe[@]}"; do
  if [ -e "${probe[$pkg]}" ]; then echo "install-packages: $pkg ok"; else echo "install-packages: $pkg MISSING"; fi
done
exit 0
