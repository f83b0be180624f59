#!/usr/bin/env bash
# Cross-referencing an outside list: synthetic people (bench/er-generate.py) whose records are
# split in two, the first ARCHIVE records imported as the archive and the next LIST records
# written as the list (FtM JSON lines), so that many listed people are in the archive under
# other spellings, scripts and numbers; then `dalel xref` timed, and how many of the listed
# people it found against the truth.
# Usage: bench/xref-list.sh [ARCHIVE] [LIST]   (records; defaults 300000 and 300000; builds the
# release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
archive=${1:-300000}
list=${2:-300000}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
cargo build --release --quiet
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # the archive's key file goes here, not into the user's own
trap 'rm -rf "$work"' EXIT
# About 2.3 records a person: enough people for both halves.
python3 bench/er-generate.py $(( (archive + list) * 10 / 23 + 1000 )) "$work" --seed 11 >/dev/null
python3 - "$work" "$archive" "$list" <<'PY'
import random, sys
work, archive, listed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = open(f"{work}/records.ftm.jsonl", encoding="utf-8").read().splitlines()
random.Random(3).shuffle(lines)
assert len(lines) >= archive + listed, f"only {len(lines)} records"
open(f"{work}/archive.ftm.jsonl", "w", encoding="utf-8").write("\n".join(lines[:archive]) + "\n")
open(f"{work}/list.jsonl", "w", encoding="utf-8").write("\n".join(lines[archive:archive + listed]) + "\n")
PY
bin=target/release/dalel
$bin --data "$work/a" init >/dev/null
/usr/bin/time -f "import of the archive: %e s wall, %M KiB peak RSS" $bin --data "$work/a" import --format ftm "$work/archive.ftm.jsonl" >/dev/null
(cd "$work" && /usr/bin/time -f "xref of the list: %e s wall, %M KiB peak RSS" "$OLDPWD/$bin" --data "$work/a" xref list.jsonl --output "$work/report" | tail -2)
python3 - "$work" <<'PY'
import csv, json, sys
work = sys.argv[1]
person = dict(line.rstrip("\n").split("\t") for line in open(f"{work}/truth.tsv", encoding="utf-8"))
archived = {json.loads(l)["id"] for l in open(f"{work}/archive.ftm.jsonl", encoding="utf-8")}
in_archive = {person[r] for r in archived}
listed = [json.loads(l)["id"] for l in open(f"{work}/list.jsonl", encoding="utf-8")]
should = sum(1 for r in listed if person[r] in in_archive)
rows = list(csv.DictReader(open(f"{work}/report.csv", encoding="utf-8")))
print(f"list rows: {len(listed)}, of people in the archive: {should}; report rows: {len(rows)}")
for verdict in sorted({r["verdict"] for r in rows}):
    these = [r for r in rows if r["verdict"] == verdict]
    right = sum(1 for r in these if person.get(r["archive_id"]) == person[r["list_id"]])
    print(f"{verdict}: {len(these)} pairs, {right} of them the same person ({right / max(1, len(these)):.3f})")
found = {r["list_id"] for r in rows if person.get(r["archive_id"]) == person[r["list_id"]]}
print(f"listed people in the archive found (any verdict): {len(found)} of {should} ({len(found) / max(1, should):.3f})")
PY
