#!/usr/bin/env bash
# The static mirror: an archive of N published entries (default 100,000), each a person with
# names in four scripts, a testimony of public consent with a transcript, and a detention
# episode, imported as dalel JSON lines; then `dalel publish --static` timed (and its size).
# Usage: bench/publish-static.sh [N]   (builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config   # the archive's key file goes here, not into the user's own
bin=target/release/dalel
python3 - "$n" > "$work/records.jsonl" <<'PY'
import json, sys
n = int(sys.argv[1])
given = [("Серік", "Serik", "赛力克", "سېرىك"), ("Айгүл", "Aigul", "阿依古丽", "ئايگۈل"),
         ("Нұрлан", "Nurlan", "努尔兰", "نۇرلان"), ("Абдулла", "Abdulla", "阿不都拉", "ئابدۇللا"),
         ("Мерует", "Meruert", "麦瑞衣", "مېرۇيت"), ("Ілияс", "Ilyas", "依力亚斯", "ئىلياس")]
scripts = [("Cyrl", "kk", "full"), ("Latn", "en", "alias"), ("Hani", "zh", "alias"), ("Arab", "ug", "alias")]
print(json.dumps({"format": "dalel-jsonl", "version": 1}))
for i in range(n):
    a, b = given[i % 6], given[(i // 6) % 6]
    names = [{"text": f"{a[k]} {b[k]}{i}" if k != 2 else f"{a[k]}·{b[k]}{i}", "script": s, "language": l, "kind": kind}
             for k, (s, l, kind) in enumerate(scripts)]
    print(json.dumps({"type": "person", "id": f"p{i}", "names": names, "gender": "male" if i % 2 else "female",
                      "birth_date": str(1940 + i % 60), "hometown": "Ghulja County"}, ensure_ascii=False))
    print(json.dumps({"type": "testimony", "id": f"t{i}", "testifier": {"name": f"Synthetic testifier {i}"},
                      "subjects": [{"person": f"p{i}", "relation": "brother"}], "recorded_on": "2019-05",
                      "language": "kk", "consent": "public", "review": {"state": "published"},
                      "transcripts": [{"language": "en", "text": f"Synthetic transcript {i}: " + "he was taken in the night and we have heard nothing since. " * 8}]},
                     ensure_ascii=False))
    print(json.dumps({"type": "episode", "id": f"e{i}", "kind": "detention", "persons": [f"p{i}"],
                      "sources": [f"t{i}"], "detention": "camp", "start": "2018-03", "status": "detained"}))
PY
$bin --data "$work/a" init >/dev/null
/usr/bin/time -f "import: %e s, %M KiB" $bin --data "$work/a" import --format jsonl "$work/records.jsonl" >/dev/null
/usr/bin/time -f "publish --static: %e s wall (%U s user, %S s system), %M KiB" $bin --data "$work/a" publish --static "$work/site"
echo "site: $(du -sh "$work/site" | cut -f1), $(find "$work/site" -type f | wc -l) files"
