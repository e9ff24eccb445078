#!/usr/bin/env bash
# Installs the Debian packages that building, testing and demoing migrate need.
# This list is the only place they are named: the README, the Makefile and CI
# all go through this script. Cheap when everything is already installed, and
# then it needs no root.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential
  cmake
  pkg-config
  # libraries
  libpqxx-dev
  libcli11-dev
  libfmt-dev
  libyaml-cpp-dev
  catch2
  libpg-query-dev
  nlohmann-json3-dev
  libssl-dev
  # the private test cluster (initdb, pg_ctl, psql)
  postgresql-15
  postgresql-client-15
  postgresql-contrib
  # the transaction-pooling test (tests/blackbox/test_pgbouncer.sh)
  pgbouncer
  # the sanitizer build and the fuzzers (scripts/sanitize.sh), make format-check
  clang
  clang-format
  libclang-rt-14-dev
  # man page
  help2man
  # the package check (tests/blackbox/test_package.sh)
  lintian
  # the Alembic side of the demo and the comparison benchmarks
  python3-alembic
  alembic
  python3-psycopg2
  # the JSON Schema check (tests/blackbox/test_schema.sh)
  python3-jsonschema
  python3-yaml
  # the peers whose histories `migrate import` adopts (tests/blackbox/test_import.sh)
  sqitch
  libdbd-pg-perl
)

# npm packages: dbmate ships there, not in Debian. Without npm the round trip
# that uses it is skipped (exit 77), so a missing npm is not an error here.
NPM_PACKAGES=(
  dbmate
)

if [[ "${1:-}" == "--list" ]]; then
  printf '%s\n' "${PACKAGES[@]}"
  exit 0
fi

install_npm_packages() {
  local pkg missing_npm=()
  if ! command -v npm >/dev/null 2>&1; then
    echo "deps: npm is not installed; skipping ${NPM_PACKAGES[*]} (the tests that need them skip)" >&2
    return 0
  fi
  for pkg in "${NPM_PACKAGES[@]}"; do
    command -v "$pkg" >/dev/null 2>&1 || missing_npm+=("$pkg")
  done
  ((${#missing_npm[@]} == 0)) && return 0
  if [[ "$(id -u)" == 0 ]]; then
    npm install -g "${missing_npm[@]}" >&2 || echo "deps: warning: npm could not install ${missing_npm[*]}" >&2
  elif command -v sudo >/dev/null 2>&1; then
    sudo npm install -g "${missing_npm[@]}" >&2 || echo "deps: warning: npm could not install ${missing_npm[*]}" >&2
  else
    echo "deps: warning: installing ${missing_npm[*]} with npm needs root; the tests that need them skip" >&2
  fi
}
# Runs when the script ends, after the Debian packages (npm may be among them one day).
trap install_npm_packages EXIT

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "deps: missing packages: ${missing[*]}" >&2

if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "deps: error: these packages must be installed, which needs root, and sudo is not available." >&2
  echo "deps: ask an administrator to run: apt-get install -y ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  "${missing[@]}"
echo "deps: installed ${missing[*]}" >&2
