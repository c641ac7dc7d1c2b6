#!/bin/sh
# Renders the golden HTML emails (mailer/testdata/golden/*.html) to PNG with headless
# Chromium, so that a change to the email templates can be looked at, not only diffed.
#
# Usage: scripts/render-emails.sh [OUTDIR]   (default: /tmp/followupd-emails)
#        HEIGHT=2600 scripts/render-emails.sh   to see the whole of a long email (default 1600)
#
# The PNGs are for looking at; do not commit them. Chromium is installed with apt-get
# when it is missing and the script runs as root. Every page is rendered offline: the
# emails use no external resources, and background networking is switched off.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
golden="$top/mailer/testdata/golden"
out=${1:-/tmp/followupd-emails}

say() { printf 'render-emails: %s\n' "$*"; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	if [ "$(id -u)" = 0 ]; then
		say "installing chromium"
		DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >/dev/null
		browser=$(command -v chromium)
	else
		say "chromium is not installed (as root: apt-get install -y chromium)" >&2
		exit 1
	fi
fi

mkdir -p "$out"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM

count=0
for page in "$golden"/*.html; do
	[ -e "$page" ] || { say "no golden HTML files in $golden (run: go test ./mailer -update)" >&2; exit 1; }
	png="$out/$(basename "$page" .html).png"
	"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--hide-scrollbars --user-data-dir="$profile" \
		--screenshot="$png" --window-size="900,${HEIGHT:-1600}" "file://$page" >/dev/null 2>&1 || {
		say "chromium failed on $page" >&2
		exit 1
	}
	count=$((count + 1))
done
say "rendered $count pages to $out"
