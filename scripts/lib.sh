# shellcheck shell=bash
# What scripts/start and scripts/test share. Sourced by them (not run); they set PROG first
# and run from the repository's root.
#
# Needs only python3 (>= 3.11). System packages (python3-venv; for the tests Chromium and
# the libraries of Playwright's driver) are installed with apt-get when we are root or have
# sudo without a password; otherwise the scripts say what to run as root, before trying.

PYTHON=${PYTHON:-python3}
VENV=.venv
APT_UPDATED=""

say() { echo "$PROG: $*" >&2; }

# Whether we may install system packages: root, or sudo without a password prompt.
can_be_root() {
    [ "$(id -u)" = 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

# Run a command as root: directly, or through sudo without a password prompt.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}

# The packages among PKG... that dpkg does not have installed (none without dpkg: then the
# checks that follow the installs tell what is missing).
missing_packages() {
    local package
    command -v dpkg-query >/dev/null 2>&1 || return 0
    for package in "$@"; do
        dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -qx 'install ok installed' \
            || echo "$package"
    done
}

# apt_install WHAT PKG...: installs PKG... with apt-get for WHAT (said in the messages).
# Without apt-get, or without root and passwordless sudo, it says what to install (and how,
# as root) and returns 1 without trying. apt-get's chatter is shown only when it fails.
apt_install() {
    local what=$1 output packages=package it=it
    shift
    [ $# -gt 1 ] && packages=packages it=them
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing $packages for $what (Debian/Ubuntu names): $*."
        say "Install $it with your system's package manager, then run $0 again."
        return 1
    fi
    if ! can_be_root; then
        say "missing system $packages for $what: $*."
        say "Installing $it needs root. Run as root (or with sudo), then run $0 again:"
        say "  apt-get install $*"
        return 1
    fi
    say "installing $* with apt-get (missing, for $what)"
    if [ -z "$APT_UPDATED" ]; then
        if ! output=$(as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q 2>&1); then
            echo "$output" >&2
            say "apt-get update failed"
            return 1
        fi
        APT_UPDATED=1
    fi
    if ! output=$(as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" 2>&1); then
        echo "$output" >&2
        say "apt-get install $* failed"
        return 1
    fi
}

check_python() {
    if ! command -v "$PYTHON" >/dev/null 2>&1; then
        say "$PYTHON not found. Install Python 3.11 or newer (Debian/Ubuntu, as root: apt-get install python3)."
        exit 1
    fi
    if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        say "Clientela needs Python 3.11 or newer; $PYTHON is $("$PYTHON" -V 2>&1)."
        say "Use a newer python: PYTHON=/path/to/python3.12 $0"
        exit 1
    fi
}

# Debian and Ubuntu keep `python -m venv` (its ensurepip) in python3-venv, or python3.X-venv
# for a python3.X that is not the system's python3.
venv_package() {
    local version
    version=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    if [ "$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$version" ]; then
        echo python3-venv
    else
        echo "python$version-venv"
    fi
}

venv_ready() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import pip' 2>/dev/null
}

# The system package that `python -m venv` lacks, if any (before .venv exists).
venv_missing_package() {
    venv_ready || "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null || venv_package
}

make_venv() {
    local output
    venv_ready && return
    rm -rf "$VENV"
    if ! "$PYTHON" -c 'import ensurepip, venv' 2>/dev/null; then
        apt_install "python3 -m venv" "$(venv_package)" || exit 1
    fi
    say "creating $VENV"
    if ! output=$("$PYTHON" -m venv "$VENV" 2>&1); then
        rm -rf "$VENV"
        echo "$output" >&2
        say "could not create the virtual environment $VENV with $PYTHON -m venv"
        exit 1
    fi
}

# pip runs only when pyproject.toml (or the venv's Python) changed since the last install.
# An install with extras also covers the plain one.
install_package() {
    local extras=$1 spec=. digest
    [ -n "$extras" ] && spec=".[$extras]"
    digest=$(cat pyproject.toml "$VENV/pyvenv.cfg" | sha256sum | cut -d' ' -f1)
    if [ "$(cat "$VENV/.clientela-installed${extras:+-$extras}" 2>/dev/null)" = "$digest" ] \
        && "$VENV/bin/python" -c 'import clientela' 2>/dev/null; then
        return
    fi
    say "installing Clientela into $VENV (pip install -e '$spec')"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$spec"
    echo "$digest" >"$VENV/.clientela-installed${extras:+-$extras}"
    echo "$digest" >"$VENV/.clientela-installed"
}
