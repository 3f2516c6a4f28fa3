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
