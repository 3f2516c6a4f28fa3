# Shell helpers for a throwaway PostgreSQL in a directory of its own, on a loopback port.
# Source it, then: start_postgres DIR PORT [OWNER_PID] (initdb, start, create the database
# `ranking`; sets POSTGRES_URL), stop_postgres DIR. PostgreSQL refuses to run as root: as root,
# every command runs as the `postgres` user Debian's package creates, and DIR is handed to it.
# With OWNER_PID (a test passes $$), a watcher stops the server once that process is gone: a
# test killed by SIGKILL (ctest's timeout) never runs its EXIT trap, and pg_ctl's server is not
# its child, so nothing else would stop it. when_gone OWNER_PID COMMAND is that watcher, for any
# command (scripts/cluster.sh takes its cluster down with it).

postgres_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] || {
    echo "postgres.sh: no PostgreSQL server found (scripts/install-deps.sh postgresql)" >&2
    return 1
  }
  echo "$bin"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start_postgres() {
  local dir=$1 port=$2 bin
  bin=$(postgres_bin) || return 1
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_postgres test -w "$dir" || {
    echo "postgres.sh: the postgres user cannot write $dir (a parent directory closed to it?)" >&2
    return 1
  }
  as_postgres "$bin/initdb" -D "$dir/data" -A trust -U ranking --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null || {
    cat "$dir/postgres.log" >&2
    return 1
  }
  if [ -n "${3:-}" ]; then when_gone "$3" stop_postgres "$dir"; fi
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U ranking ranking || return 1
  POSTGRES_URL="postgresql://ranking@127.0.0.1:$port/ranking"
}

# when_gone OWNER_PID COMMAND [ARGS...]: runs COMMAND (a shell function too) once OWNER_PID is
# gone, polling once a second. Started from a subshell that exits at once, the watcher is
# nobody's child: a kill of the owner's process tree does not reach it.
when_gone() {
  local owner=$1
  shift
  (
    (
      while kill -0 "$owner" 2>/dev/null; do sleep 1; done
      "$@"
    ) </dev/null >/dev/null 2>&1 &
  )
}

# Fast (-m fast: no waiting for clients); the server's PID is in DIR/data/postmaster.pid.
stop_postgres() {
  local dir=$1 bin
  bin=$(postgres_bin) || return 1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
}
