#!/usr/bin/env bash
# Entity resolution quality: a synthetic archive of N people (bench/er-generate.py), imported,
# linked by `dalel dedupe --json`; prints pairwise precision, recall and F1 against the truth,
# and the time and peak memory of the linking; then the same for the Splink baseline
# (bench/er-splink.py) on the same records, when splink, anyascii and pandas are installed.
# Usage: bench/er-eval.sh [N] [SEED] [dedupe options...]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-10000}
seed=${2:-7}
shift $(( $# < 2 ? $# : 2 ))
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # archives' key files go here, not into the user's own
trap 'rm -rf "$work"' EXIT
python3 bench/er-generate.py "$n" "$work" --seed "$seed"
bin=target/release/dalel
$bin --data "$work/a" init >/dev/null
$bin --data "$work/a" import --format ftm "$work/records.ftm.jsonl" >/dev/null
# The import's writes flushed first (here and before Splink's run), so that neither timed run
# shares the machine with the kernel writing back 600 MB of the archive.
sync
/usr/bin/time -f "dedupe: %e s wall, %M KiB peak RSS" $bin --data "$work/a" dedupe --json "$@" > "$work/entries.jsonl"
python3 - "$work/truth.tsv" "$work/entries.jsonl" <<'PY'
import json, sys
sys.path.insert(0, "bench")
from er_score import pairs, score, true_groups
truth = true_groups(sys.argv[1])
found = [json.loads(l)["external_ids"] for l in open(sys.argv[2])]
seen = sorted(r for g in found for r in g)
assert seen == sorted(r for g in truth for r in g), "every record must be in exactly one entry"
p, r, f1 = score(truth, found)
print(f"records {len(seen):,}  true pairs {len(pairs(truth)):,}  found pairs {len(pairs(found)):,}")
print(f"precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  entries {len(found):,} (people {len(truth):,})")
PY
if python3 -c "import splink, anyascii, pandas" 2>/dev/null; then
  sync
  /usr/bin/time -f "splink: %e s wall, %M KiB peak RSS" python3 bench/er-splink.py "$work" 0.5 0.8
else
  echo "splink skipped: pip install splink anyascii pandas"
fi
