#!/usr/bin/env bash
# The live public site under load: a synthetic published edition of N entries (default
# 1,000,000, about 3 testimonies each; bench/public-edition.py), `dalel serve --site`, then wrk
# with 32 connections for 20 s on each kind of request (bench/public-urls.py): a name in
# another script with a filter, words of the transcripts with filters (words of the 100 most
# frequent apart, as "common"), filters alone sorted by year, and the statistics page with
# filters; the common words again (the second time, the words that find many are kept in memory
# from the first: docs/publishing.md); then each kind again with one connection (no queue: a
# request's own time). Prints the server's start-up time and memory.
# Usage: bench/public-search.sh [N]   (builds the release binary; installs wrk if missing; the
# edition is kept in target/bench-edition-N for later runs)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release --quiet
site=target/bench-edition-$n
if [ ! -f "$site/data/entries.jsonl" ]; then
  python3 bench/public-edition.py "$site" "$n"
fi
python3 bench/public-urls.py "$site" 1000
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start=$(date +%s.%N)
target/release/dalel serve --site "$site" --listen "127.0.0.1:$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
until curl -sf -o /dev/null "http://127.0.0.1:$port/entries?lang=en"; do sleep 0.5; done
echo "started in $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s; resident memory $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MiB"
for kind in names words common filters statistics common; do
  echo "== $kind (e.g. $(head -1 "$site/urls-$kind.txt"))"
  URLS=$site/urls-$kind.txt wrk -t2 -c32 -d20s --latency -s bench/public-urls.lua "http://127.0.0.1:$port" \
    | grep -E '^ +(50|90|99)%|Requests/sec|Non-2xx'
done
for kind in names words common filters statistics; do
  echo "== $kind, one connection"
  URLS=$site/urls-$kind.txt wrk -t1 -c1 -d10s --latency -s bench/public-urls.lua "http://127.0.0.1:$port" \
    | grep -E '^ +(50|90|99)%|Requests/sec|Non-2xx'
done
echo "resident memory after: $(($(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024)) MiB"
