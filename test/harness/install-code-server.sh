#!/usr/bin/env bash
# Idempotent installer of code-server 4.100.3 (VS Code 1.100.3) for the real-VS-Code test harness.
# Recipe: docs/real-vscode.md. No internet besides the npm registry and Debian apt:
# the normal postinstall cannot run (it downloads ripgrep from GitHub), so the steps are done by hand.
#
#   AIGC_CODE_SERVER_DIR  install folder (default ~/.cache/aigc-image-studio/code-server-4.100.3)
#
# The folder is built as a temporary sibling and renamed into place; the marker file
# "$DIR/.installed-ok" is written last. Without the marker the folder is rebuilt from scratch.
set -euo pipefail

VERSION=4.100.3
DIR="${AIGC_CODE_SERVER_DIR:-$HOME/.cache/aigc-image-studio/code-server-$VERSION}"
MARKER="$DIR/.installed-ok"

log() { printf '[code-server] %s\n' "$*"; }

# Exit 0 (printing the folder) when the install is complete and Chromium is present.
exit_if_installed() {
  if [[ -f "$MARKER" && -x /usr/bin/chromium ]]; then
    log "${1:-already installed}: $DIR"
    echo "$DIR"
    exit 0
  fi
}
exit_if_installed

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then SUDO=(sudo); fi

PARENT="$(dirname "$DIR")"
mkdir -p "$PARENT"

# One installer at a time per folder; a second caller waits, then sees the marker.
exec 9>"$DIR.lock"
if command -v flock >/dev/null 2>&1; then
  if ! flock -n 9; then
    log "another install is running; waiting for $DIR.lock"
    flock 9
  fi
  exit_if_installed "installed by another process"
fi

START=$(date +%s)

# --- system packages -------------------------------------------------------------------------
PKGS=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium)
MISSING=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p")
done
if [[ ! -x /usr/bin/chromium ]] && [[ " ${MISSING[*]-} " != *" chromium "* ]]; then MISSING+=(chromium); fi
if (( ${#MISSING[@]} )); then
  log "apt-get install ${MISSING[*]}"
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${MISSING[@]}"
else
  log "system packages present"
fi
[[ -x /usr/bin/chromium ]] || { log "ERROR: /usr/bin/chromium missing after apt-get"; exit 1; }
RG="$(command -v rg || true)"
[[ -n "$RG" ]] || { log "ERROR: rg (ripgrep) missing after apt-get"; exit 1; }
exit_if_installed  # the marker was there, only Chromium was missing

# --- build in a temporary sibling ------------------------------------------------------------
# Remove leftovers of interrupted runs (an unmarked $DIR, stale temp folders).
if [[ -e "$DIR" ]]; then
  log "removing incomplete install $DIR"
  rm -rf "$DIR"
fi
for stale in "$DIR".tmp-*; do
  [[ -e "$stale" ]] || continue
  log "removing interrupted install $stale"
  rm -rf "$stale"
done
TMP="$DIR.tmp-$$"
cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$TMP"

export npm_config_yes=true          # node-pty's build script calls npx
export npm_config_unsafe_perm=true  # postinstall scripts insist on it as root
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

log "npm install code-server@$VERSION (--ignore-scripts) into $TMP"
npm install --no-save --ignore-scripts --no-package-lock --loglevel=error --prefix "$TMP" "code-server@$VERSION"

VS="$TMP/node_modules/code-server/lib/vscode"
[[ -d "$VS" ]] || { log "ERROR: $VS missing"; exit 1; }
cd "$VS"
log "npm install (VS Code server dependencies)"
npm install --omit=dev --ignore-scripts --loglevel=error
log "npm rebuild native modules (@parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty)"
npm rebuild --loglevel=error @parcel/watcher @vscode/deviceid @vscode/spdlog kerberos native-watchdog node-pty

log "ripgrep: $RG -> @vscode/ripgrep/bin/rg"
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$RG" node_modules/@vscode/ripgrep/bin/rg
chmod +x node_modules/@vscode/ripgrep/bin/rg

ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)

log "npm install (built-in extensions)"
(cd extensions && npm install --omit=dev --loglevel=error)

cd "$TMP"
log "npm rebuild argon2"
npm rebuild --loglevel=error argon2

log "checking the binary"
# Own XDG folders: code-server writes a default config.yaml and coder-logs on every start,
# even for --version, and must not touch the home folder.
CHECK="$TMP/.check"
XDG_CONFIG_HOME="$CHECK/config" XDG_DATA_HOME="$CHECK/data" \
  "$TMP/node_modules/.bin/code-server" --config "$CHECK/config.yaml" --version
rm -rf "$CHECK"

# --- publish -------------------------------------------------------------------------------
mv "$TMP" "$DIR"
trap - EXIT INT TERM
date -u +%Y-%m-%dT%H:%M:%SZ > "$MARKER"
log "installed in $(( $(date +%s) - START )) s: $DIR"
echo "$DIR"
