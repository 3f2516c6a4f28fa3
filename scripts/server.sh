# Shell helpers to start a built ranking-server on free ports and stop it by PID.
# Source it, then: start_server LOG SERVER_BIN [server flags...]; sets SERVER_PID, DATA_URL,
# ADMIN_URL. stop_server sends SIGTERM and waits (KILL after 5 s). Loopback only.
# Without a --db flag the server gets a throwaway database, removed by stop_server.
# The kernel sends the server SIGTERM when the shell that started it ends (setpriv
# --pdeathsig): a script killed with SIGKILL runs no EXIT trap and would leave it running.
# So call start_server from the script's own shell, not from a subshell that ends before it.
# --allow-root always: the tests and CI run as root, and it changes nothing for anyone else.

# first_match LOG REGEX PID: the first text matching REGEX (grep -oE) in LOG, once it is there,
# waited for up to 10 s while PID lives; fails when it never comes.
first_match() {
  local log=$1 regex=$2 pid=$3 found
  for _ in $(seq 200); do
    found=$(grep -m1 -oE "$regex" "$log" 2>/dev/null | head -n1) && [ -n "$found" ] &&
      { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  return 1
}

start_server() {
  local log=$1 bin=$2
  shift 2
  local db=()
  if [[ " $* " != *" --db "* ]]; then
    SERVER_DB_DIR=$(mktemp -d)
    db=(--db "$SERVER_DB_DIR/ranking.db")
  fi
  # Emptied here, not only by the child's redirection: a log reused from an earlier server
  # would otherwise still hold that server's ports when the first grep below reads it.
  : >"$log"
  setpriv --pdeathsig TERM -- "$bin" --allow-root --port 0 --admin-port 0 "${db[@]}" "$@" \
    >"$log" 2>&1 &
  SERVER_PID=$!
  local line=""
  line=$(first_match "$log" '^ranking-server: data.*' "$SERVER_PID") || true
  if [ -z "$line" ]; then
    echo "ranking-server did not start:" >&2
    cat "$log" >&2
    return 1
  fi
  DATA_URL=$(sed -E 's/.*data (http:[^ ]+).*/\1/' <<<"$line")
  ADMIN_URL=$(sed -E 's/.*admin (http:[^ ]+).*/\1/' <<<"$line")
  SERVER_LINE=$line
}

stop_server() {
  [ -n "${SERVER_PID:-}" ] || return 0
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$SERVER_PID" 2>/dev/null && kill -KILL "$SERVER_PID"
  fi
  wait "$SERVER_PID" 2>/dev/null
  local status=$?
  SERVER_PID=""
  [ -n "${SERVER_DB_DIR:-}" ] && rm -rf "$SERVER_DB_DIR"
  SERVER_DB_DIR=""
  return $status
}

# http_get URL PATH: prints the body of a GET, with bash's /dev/tcp (no curl needed).
http_get() {
  local hostport=${1#http://}
  local host=${hostport%:*} port=${hostport##*:}
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$2" "$hostport" >&3
  sed '1,/^\r$/d' <&3
  exec 3<&-
}

# start_federation_standin LOG STANDIN_BIN [flags...]: ranking-federation-standin on a free
# loopback port, ended by the kernel with the shell that started it (as the server); sets
# STANDIN_PID and FEDERATION_URL (the URL for --federation-url). stop_federation_standin stops it
# by its PID.
start_federation_standin() {
  local log=$1 bin=$2
  shift 2
  : >"$log"
  setpriv --pdeathsig TERM -- "$bin" "$@" >"$log" 2>&1 &
  STANDIN_PID=$!
  FEDERATION_URL=$(first_match "$log" 'http://[^ ]+' "$STANDIN_PID") || true
  if [ -z "$FEDERATION_URL" ]; then
    echo "ranking-federation-standin did not start:" >&2
    cat "$log" >&2
    return 1
  fi
}

stop_federation_standin() {
  [ -n "${STANDIN_PID:-}" ] || return 0
  kill -TERM "$STANDIN_PID" 2>/dev/null || true
  wait "$STANDIN_PID" 2>/dev/null || true
  STANDIN_PID=""
}
