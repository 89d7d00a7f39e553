#!/usr/bin/env bash
# Make sure the programs a test or a docs target calls are there, each installed on its own and
# only when missing: tools/need.sh TOOL:PACKAGE ... (for example dot:graphviz chromium:chromium).
#
# As root with apt-get (CI, a fresh machine of the project's image) the missing Debian packages are
# installed, `apt-get update` once before the first; elsewhere the missing ones are named with the
# command that installs them. `npm` is special: Debian's nodejs and npm only where there is no
# node at all — the image's Node.js (NodeSource) carries its own npm, which Debian's npm package
# conflicts with. Exit 1 with one line `error: ...` naming the package and why, when one is missing.
set -uo pipefail

updated=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

can_install() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

why_failed() {  # apt's own reason, in one line
  grep -E '^(E:|Err:)|Conflicts|Depends|Unable|unmet' "$log" | tail -n 1 | tr -s ' ' | cut -c1-300
}

install() {  # install PACKAGE... (for TOOL)
  local tool=$1; shift
  if ! can_install; then
    echo "error: '$tool' is missing; install it first: sudo apt-get install $*" >&2
    exit 1
  fi
  if [ -z "$updated" ]; then
    if ! apt-get update -qq >"$log" 2>&1; then
      echo "error: apt-get update failed, so '$tool' ($*) cannot be installed: $(why_failed)" >&2
      exit 1
    fi
    updated=1
  fi
  echo "installing $* (for '$tool')" >&2
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >"$log" 2>&1; then
    echo "error: cannot install the Debian package(s) $* for '$tool': $(why_failed)" >&2
    exit 1
  fi
  command -v "$tool" >/dev/null 2>&1 || { echo "error: $* installed, but '$tool' is still not on PATH" >&2; exit 1; }
}

for pair in "$@"; do
  tool=${pair%%:*}
  package=${pair#*:}
  command -v "$tool" >/dev/null 2>&1 && continue
  if [ "$tool" = npm ]; then
    if ! command -v node >/dev/null 2>&1; then
      install npm nodejs npm
    elif dpkg-query -W -f='${Version}' nodejs 2>/dev/null | grep -qi nodesource; then
      echo "error: node is NodeSource's, which carries npm, but npm is missing: reinstall the nodejs package" >&2
      exit 1
    else
      install npm npm
    fi
    continue
  fi
  install "$tool" "$package"
done
exit 0
