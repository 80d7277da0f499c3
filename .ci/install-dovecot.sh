#!/usr/bin/env bash
# Installs Dovecot's IMAP server for the mail-in tests (test/mail/in/imap.test.ts), which start
# their own private instance on 127.0.0.1 and skip with a message when `dovecot` is absent.
# Idempotent: does nothing when Dovecot is already installed. Needs root (CI runs as root).
set -euo pipefail

if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
  echo "install-dovecot: $(/usr/sbin/dovecot --version 2>/dev/null || dovecot --version) already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-dovecot: apt-get not available; IMAP tests will be skipped" >&2
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-dovecot: not root and no sudo; IMAP tests will be skipped" >&2
    exit 0
  fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends dovecot-imapd
# The package starts a system instance; the tests run their own and need none.
if command -v systemctl >/dev/null 2>&1; then $SUDO systemctl stop dovecot >/dev/null 2>&1 || true; fi
echo "install-dovecot: installed $(/usr/sbin/dovecot --version)"
