# Source it, then: npm_packages PACKAGE_DIR WORK_DIR. Installs PACKAGE_DIR's locked npm packages
# into WORK_DIR (in the build tree), with npm ci only when the lock file changed.
npm_packages() {
  local packages=$1 work_dir=$2
  mkdir -p "$work_dir"
  if ! cmp -s "$packages/package-lock.json" "$work_dir/package-lock.json" ||
    [ ! -d "$work_dir/node_modules" ]; then
    cp "$packages/package.json" "$packages/package-lock.json" "$work_dir/"
    (cd "$work_dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# browser_test_packages WORK_DIR: the browser tests' packages (tests/dashboard) in WORK_DIR, or
# exit 77 (skipped) without Debian's chromium or npm.
browser_test_packages() {
  if [ ! -x /usr/bin/chromium ] || ! command -v npm >/dev/null; then
    echo "needs /usr/bin/chromium and npm (make test installs them)" >&2
    exit 77
  fi
  npm_packages "$(dirname "${BASH_SOURCE[0]}")/../dashboard" "$1"
}
