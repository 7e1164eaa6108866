#!/usr/bin/env bash
# The REST API under load, over ~10M synthetic observations
# (bench/synthetic-store-lib.sh): wrk against `fumidai serve` and, in the same
# run, against nginx serving the very same response body as a static file,
# the upper bound for any HTTP server on this machine. Prints req/s and p99
# for each, and the ratio (goal for /v1/stats/by-isp: at least 0.5x nginx);
# then the export's throughput in rows per second.
# Loopback only, no root needed.
# Usage: bench/api.sh [BUILD_DIR]   (default build)
#   HOSTS (550000)  SCANS (10)  DURATION (10 s a run)  CONNECTIONS (32)  BENCH_STORE (keep the store there)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
HOSTS=${HOSTS:-550000}
SCANS=${SCANS:-10}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}
GOAL=0.5
command -v wrk >/dev/null || { echo "bench/api.sh: wrk is missing (tools/install-deps.sh)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "bench/api.sh: nginx is missing (apt-get install nginx-light)" >&2; exit 2; }
[[ -f $BUILD/build.ninja ]] || tools/build.sh "$BUILD" >/dev/null
cmake --build "$BUILD" --target fumidai >/dev/null
FUMIDAI=$PWD/$BUILD/fumidai

# shellcheck source=bench/synthetic-store-lib.sh
source bench/synthetic-store-lib.sh
WORK=$(mktemp -d /tmp/fumidai-bench-api.XXXXXX)
chmod 755 "$WORK"  # nginx workers run unprivileged
SERVER_PID= NGINX_PID=
cleanup() {
  [[ -z $SERVER_PID ]] || kill "$SERVER_PID" 2>/dev/null || true
  [[ -z $NGINX_PID ]] || kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
  store_cleanup
}
trap cleanup EXIT
store_generate "$HOSTS" "$SCANS"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port)
NGINX_PORT=$(free_port)
KEY=$("$FUMIDAI" keys create "bench-$$-$(date +%s)" --role admin --rate 1000000 --burst 1000000 2>/dev/null)
"$FUMIDAI" serve --listen "127.0.0.1:$API_PORT" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
API=http://127.0.0.1:$API_PORT
for _ in $(seq 1 100); do curl -fsS "$API/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$API/readyz" >/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }

mkdir -p "$WORK/www" "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
  }
}
CONF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
for _ in $(seq 1 50); do [[ -s $WORK/nginx/nginx.pid ]] && break; sleep 0.1; done

# wrk_run URL [HEADER]: "req/s p99_ms" (wrk's 99th percentile, normalised to ms).
wrk_run() {
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency ${2:+-H "$2"} "$1")
  awk '
    /Requests\/sec:/ { rps = $2 }
    $1 == "99%" { v = $2; unit = v; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", v)
                  p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { if (bad > 0) { print "wrk: " bad " non-2xx answers" > "/dev/stderr"; exit 1 }
          printf "%s %s\n", rps, p99 }' <<<"$out"
}

ASN=$(sql -At -c "SELECT asn FROM hosts WHERE asn IS NOT NULL GROUP BY asn ORDER BY count(*) DESC LIMIT 1")
echo "== wrk, $CONNECTIONS connections, ${DURATION} s a run, fumidai serve vs nginx with the same body (static file)"
for path in "/v1/stats/by-isp" "/v1/exposures?asn=$ASN&limit=100"; do
  file=$WORK/www/body-$RANDOM.json
  curl -fsS -H "Authorization: Bearer $KEY" "$API$path" -o "$file"
  read -r api_rps api_p99 < <(wrk_run "$API$path" "Authorization: Bearer $KEY")
  read -r nginx_rps nginx_p99 < <(wrk_run "http://127.0.0.1:$NGINX_PORT/${file##*/}")
  ratio=$(awk -v a="$api_rps" -v n="$nginx_rps" 'BEGIN { printf "%.2f", a / n }')
  verdict=
  [[ $path == /v1/stats/by-isp ]] && verdict=$(awk -v r="$ratio" -v g="$GOAL" 'BEGIN { print (r >= g) ? "(goal " g "x: ok)" : "(goal " g "x: UNDER)" }')
  printf '  %-40s %6s bytes  fumidai %9.0f req/s p99 %7.2f ms | nginx %9.0f req/s p99 %7.2f ms | ratio %sx %s\n' \
    "$path" "$(stat -c %s "$file")" "$api_rps" "$api_p99" "$nginx_rps" "$nginx_p99" "$ratio" "$verdict"
done

echo "== export: /v1/exports/exposures.jsonl and .csv (columns=shadowserver), the whole current state"
for path in "/v1/exports/exposures.jsonl" "/v1/exports/exposures.csv?columns=shadowserver"; do
  a=$(now)
  rows=$(curl -fsS -H "Authorization: Bearer $KEY" "$API$path" | wc -l)
  b=$(now)
  [[ $path == *.csv* ]] && rows=$((rows - 1))  # the header line
  awk -v p="$path" -v r="$rows" -v a="$a" -v b="$b" \
    'BEGIN { printf "  %-52s %9d rows in %6.1f s: %8.0f rows/s\n", p, r, b - a, r / (b - a) }'
done
echo "== server peak resident memory: $(awk '/VmHWM/ { print $2 " kB" }' "/proc/$SERVER_PID/status")"
