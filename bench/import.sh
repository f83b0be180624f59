#!/usr/bin/env bash
# Import and verify benchmark: N synthetic FtM persons (default 1,000,000).
# Usage: bench/import.sh [N]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # archives' key files go here, not into the user's own
trap 'rm -rf "$work"' EXIT
bench/persons.py "$n" > "$work/persons.ftm.jsonl"
echo "persons: $n, file: $(du -h "$work/persons.ftm.jsonl" | cut -f1)"
bin=target/release/dalel
$bin --data "$work/a" init >/dev/null
/usr/bin/time -f "import: %e s wall, %M KiB peak RSS" $bin --data "$work/a" import --format ftm "$work/persons.ftm.jsonl"
/usr/bin/time -f "verify: %e s wall, %M KiB peak RSS" $bin --data "$work/a" verify
echo "archive on disk: $(du -sh "$work/a" | cut -f1)"
