#!/usr/bin/env bash
# Name search on names the Han table has not seen: the dev name groups split in two halves by
# their QID (the first byte of its SHA-1 even or odd), a table learned from one half
# (scripts/learn-han-readings.py) built into dalel in place of the shipped one, and the harness
# (../shared/bench/name_search_eval.py, 20,000 persons, 1,000 queries, seed 7) run on the other
# half's groups; then the other way round. Prints the harness's dalel line for each.
# The builds use a copy of the source under target/held-out (the shipped table is not touched).
# Usage: bench/names-held-out.sh
set -euo pipefail
cd "$(dirname "$0")/.."
groups=../shared/data/names/name-variants-dev.tsv
work=target/held-out
mkdir -p "$work"
python3 - "$groups" "$work" <<'PY'
import hashlib, sys
groups, work = sys.argv[1], sys.argv[2]
with open(f"{work}/A.tsv", "w", encoding="utf-8") as a, open(f"{work}/B.tsv", "w", encoding="utf-8") as b:
    for line in open(groups, encoding="utf-8"):
        qid = line.split("\t", 1)[0]
        (a if hashlib.sha1(qid.encode()).digest()[0] % 2 == 0 else b).write(line)
PY
src=$work/src
rm -rf "$src"
mkdir -p "$src"
git ls-files -z | xargs -0 cp --parents -t "$src"
for learned in A B; do
  searched=$([ "$learned" = A ] && echo B || echo A)
  python3 scripts/learn-han-readings.py "$work/$learned.tsv" 2>/dev/null > "$src/crates/dalel-names/data/han-readings.tsv"
  (cd "$src" && CARGO_TARGET_DIR="$PWD/../build" cargo build --release --locked --quiet -p dalel)
  echo "table from $learned, searched on $searched:"
  python3 ../shared/bench/name_search_eval.py --dalel "$work/build/release/dalel" --groups "$work/$searched.tsv" \
    --baselines '' | grep recall
done
