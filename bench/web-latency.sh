#!/usr/bin/env bash
# Intake and review pages under load: a demo archive of N synthetic people (default 125,000,
# which gives about 100,000 testimonies), `dalel serve`, then wrk with 32 connections for 10 s
# on the intake form, the review queue and one testimony's page (after one warm-up request,
# which reads the sealed name index back into memory: the demo command builds it).
# Usage: bench/web-latency.sh [N]   (builds the release binary; installs wrk if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-125000}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release --quiet
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # archives' key files go here, not into the user's own
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
bin=target/release/dalel
$bin --data "$work/a" demo --people "$n" --no-link
password="load test passphrase $RANDOM$RANDOM"
echo "$password" | $bin --data "$work/a" user add bench --role reviewer >/dev/null
$bin --data "$work/a" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done
# Signed in as a reviewer: every request carries the session cookie (and is checked against
# the sessions table, as in use).
cookie=$(echo "$password" | scripts/sign-in "http://127.0.0.1:$port" bench | sed -n 1p)
curl -s -H "$cookie" "http://127.0.0.1:$port/review" | grep -o '<h2>[^<]*</h2>' | sed 's/<[^>]*>//g' | tr '\n' ' '; echo
page=$(curl -s -H "$cookie" "http://127.0.0.1:$port/review" | grep -o 'href="/testimonies/[0-9a-f-]*"' | sed -n 1p | cut -d'"' -f2)
/usr/bin/time -f "first testimony page (reads the name index back): %e s" curl -s -o /dev/null -H "$cookie" "http://127.0.0.1:$port$page"
for path in /testimonies/new /review "$page"; do
  echo "== $path"
  wrk -t2 -c32 -d10s --latency -H "$cookie" "http://127.0.0.1:$port$path" | grep -E '^ +(50|99)%|Requests/sec|Non-2xx'
done
