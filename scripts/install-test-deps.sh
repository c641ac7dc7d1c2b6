#!/bin/sh
# Installs the real mail servers that followupd's integration tests start as private,
# loopback-only instances (see internal/mailtest): Dovecot (IMAP and LMTP) and Postfix (SMTP);
# and Debian's chromium (with a font of known metrics, fonts-liberation, which is only a
# recommendation of the package), in which mailer's tests render the HTML emails (headless).
#
# Run as root on Debian 12 (CI does). It is idempotent and non-interactive: packages already
# installed are left alone, `apt-get update` runs only when something is missing, and the
# system-wide dovecot and postfix services that the packages would start are kept stopped and
# disabled, because the tests run their own instances on random high ports.
set -eu

packages="dovecot-imapd dovecot-lmtpd postfix chromium fonts-liberation"

export DEBIAN_FRONTEND=noninteractive

say() { printf 'install-test-deps: %s\n' "$*"; }

installed() {
	[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=""
for p in $packages; do
	installed "$p" || missing="$missing $p"
done

if [ "$(id -u)" != 0 ]; then
	if [ -z "$missing" ]; then
		exit 0 # all there; nothing a non-root user could do anyway
	fi
	if command -v sudo >/dev/null 2>&1; then
		say "installing$missing needs root: running this script with sudo"
		exec sudo "$0" "$@"
	fi
	say "missing:$missing; run this script as root (Debian packages)" >&2
	exit 1
fi

if [ -n "$missing" ]; then
	say "installing:$missing"

	# Postfix must install without a configuration: no main.cf, so nothing to start and
	# nothing listening on port 25. The tests write their own main.cf.
	echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

	# Keep the packages' maintainer scripts from starting system daemons (invoke-rc.d and
	# deb-systemd-invoke both obey policy-rc.d). Only a policy file created here is removed.
	policy=/usr/sbin/policy-rc.d
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi

	apt_opts="-y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold"
	# shellcheck disable=SC2086 # word splitting of the option list and package list is wanted
	apt-get $apt_opts update
	# shellcheck disable=SC2086
	apt-get $apt_opts install --no-install-recommends $missing
else
	say "already installed: $packages"
fi

# Whatever the package scripts did, no system instance should run or start at boot. Each
# step may fail (no systemd, no init script, service not running): that is fine.
for svc in dovecot postfix; do
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
		systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
		if [ "$svc" = dovecot ]; then
			systemctl disable --now dovecot.socket >/dev/null 2>&1 || true
		fi
	else
		if [ -x "/etc/init.d/$svc" ]; then
			"/etc/init.d/$svc" stop >/dev/null 2>&1 || true
		fi
		if command -v update-rc.d >/dev/null 2>&1; then
			update-rc.d "$svc" disable >/dev/null 2>&1 || true
		fi
	fi
done

for bin in dovecot doveadm postfix; do
	if ! command -v "$bin" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$bin" ] && [ ! -x "/usr/bin/$bin" ]; then
		say "$bin is still missing after installation" >&2
		exit 1
	fi
done
if [ ! -x /usr/lib/postfix/sbin/master ]; then
	say "postfix master daemon (/usr/lib/postfix/sbin/master) is missing" >&2
	exit 1
fi
say "ready: $(dovecot --version 2>/dev/null | cut -d' ' -f1 | sed 's/^/dovecot /'), postfix $(postconf -d -h mail_version 2>/dev/null)"
