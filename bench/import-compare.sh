#!/usr/bin/env bash
# Import benchmark of two builds taken in turns, so that the machine's drift in speed (a third
# from hour to hour on the project's VM) falls on both alike.
# Usage: bench/import-compare.sh REV [N] [ROUNDS]   (REV: the git revision to compare with)
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$1 n=${2:-1000000} rounds=${3:-3}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
work=$(mktemp -d)
export XDG_CONFIG_HOME=$work/config   # archives' key files go here, not into the user's own
trap 'git worktree remove --force "$work/old" 2>/dev/null || true; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/old" "$rev"
# A target directory of its own, kept between runs so that dependencies build once.
(cd "$work/old" && CARGO_TARGET_DIR="$OLDPWD/target/compare" cargo build --release --quiet -p dalel)
cp target/compare/release/dalel "$work/dalel-$rev"
cargo build --release --quiet -p dalel
cp target/release/dalel "$work/dalel-current"
bench/persons.py "$n" > "$work/persons.ftm.jsonl"
for _ in $(seq "$rounds"); do
    for bin in "$work/dalel-$rev" "$work/dalel-current"; do
        rm -rf "$work/a" && $bin --data "$work/a" init >/dev/null
        /usr/bin/time -f "$(basename "$bin"): %e s wall, %M KiB peak RSS" \
            $bin --data "$work/a" import --format ftm "$work/persons.ftm.jsonl" 2>&1 >/dev/null | tail -1
    done
done
