#!/bin/sh
# help2man runs this as the tool: its --help or --version with the build tree's dashboard
# directory replaced by the installed one, so that a man page states the defaults a package
# user gets.
# Usage: installed_help.sh TOOL BUILD_TREE_DIR INSTALLED_DIR --help|--version
tool=$1 built=$2 installed=$3
shift 3
"$tool" "$@" | sed "s|$built|$installed|g"
