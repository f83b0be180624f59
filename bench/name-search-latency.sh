#!/usr/bin/env bash
# Name search latency at scale: N persons (default 1,000,000) named from the dev name groups by
# ../shared/bench/name_search_eval.py's own generator, 1,000 cross-script queries, one process;
# prints the import's time (it builds the name index too) and the per-query median and 99th
# percentile.
# Usage: bench/name-search-latency.sh [N]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # archives' key files go here, not into the user's own
trap 'rm -rf "$work"' EXIT
python3 - "$n" "$work" <<'PY'
import importlib.util, json, random, sys
spec = importlib.util.spec_from_file_location("ev", "../shared/bench/name_search_eval.py")
ev = importlib.util.module_from_spec(spec); spec.loader.exec_module(ev)
n, work = int(sys.argv[1]), sys.argv[2]
rng = random.Random(7)
persons = ev.build(ev.load_groups("../shared/data/names/name-variants-dev.tsv"), n, rng)
with open(f"{work}/persons.ftm.jsonl", "w", encoding="utf-8") as f:
    for p in persons:
        f.write(json.dumps({"id": p["id"], "schema": "Person", "properties": {"name": [p["stored"]]}}, ensure_ascii=False) + "\n")
with open(f"{work}/queries.txt", "w", encoding="utf-8") as f:
    f.write("\n".join(q["query"] for q in rng.sample(persons, 1000)) + "\n")
PY
bin=target/release/dalel
$bin --data "$work/a" init >/dev/null
/usr/bin/time -f "import and name index: %e s wall, %M KiB peak RSS" $bin --data "$work/a" import --format ftm "$work/persons.ftm.jsonl"
/usr/bin/time -f "1,000 queries (index read back): %e s wall, %M KiB peak RSS" $bin --data "$work/a" search --json --limit 10 --timings --queries "$work/queries.txt" >/dev/null
/usr/bin/time -f "one query (index read back): %e s wall, %M KiB peak RSS" $bin --data "$work/a" search x >/dev/null
# A sealed archive (the default since keys) keeps its name index as one sealed file.
echo "index on disk: $(du -sh "$work/a/index" | cut -f1)"
