#!/bin/sh
# Installs what `go test -tags oracle ./oracle/` needs: nginx, Apache httpd,
# Varnish (which pulls in the C compiler it builds VCL with) and Chromium,
# from apt only. Idempotent: installed packages are left alone.
#
# The harness starts its own server instances on free 127.0.0.1 ports, so
# the packages' own services must not start: they would hold :80 and
# :6081 and add noise. A policy-rc.d that denies starts is put in place for
# the install and removed again if this script created it; anything that
# started anyway is stopped.
set -eu

packages="nginx apache2 varnish chromium"
services="nginx apache2 apache-htcacheclean varnish varnishncsa"

if [ "$(id -u)" -eq 0 ]; then
	as_root() { "$@"; }
else
	as_root() { sudo "$@"; }
fi

missing=""
for p in $packages; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
	printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
	as_root chmod 755 "$policy"
	trap 'as_root rm -f "$policy"' EXIT
fi

export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq >/dev/null
# shellcheck disable=SC2086 # word splitting of the package list is intended
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
	$missing >/dev/null

for s in $services; do
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		as_root systemctl disable --now "$s" >/dev/null 2>&1 || true
	elif [ -x "/etc/init.d/$s" ]; then
		as_root "/etc/init.d/$s" stop >/dev/null 2>&1 || true
	fi
done

for b in nginx apache2 varnishd chromium; do
	if ! command -v "$b" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$b" ]; then
		echo "install-oracle: $b missing after install" >&2
		exit 1
	fi
done
