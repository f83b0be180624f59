#!/usr/bin/env python3
"""Learns how Chinese characters read when they transcribe foreign names, from the dev name groups.

Each group of ../shared/data/names/name-variants-dev.tsv that has Han and Latin forms gives pairs
such as 盖格纳 / gegna. Hard EM aligns each character with a run of Latin letters (monotone, one to
five letters a character) and counts which runs each character takes; the table keeps up to
eight readings a character, down to 2% of its alignments, with their counts (dalel ranks the
mixtures of readings by them). Only the dev file is read (see the names issue).

Usage: scripts/learn-han-readings.py ../shared/data/names/name-variants-dev.tsv \
         > crates/dalel-names/data/han-readings.tsv
"""
import collections, math, sys, unicodedata

MAX_PIECE = 5


def latin_letters(text):
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if "a" <= ch <= "z")


def han_chars(text):
    return "".join(ch for ch in text if unicodedata.category(ch) == "Lo" and 0x3400 <= ord(ch) <= 0x9FFF)


def pairs(path):
    out = []
    for line in open(path, encoding="utf-8"):
        _, *forms = line.rstrip("\n").split("\t")
        hans = {han_chars(v) for s, _, v in (f.partition(":") for f in forms) if s == "Han"}
        lats = {latin_letters(v) for s, _, v in (f.partition(":") for f in forms) if s == "Latin"}
        for h in sorted(hans):
            for l in sorted(lats):
                if 0 < len(h) <= 8 and len(h) <= len(l) <= MAX_PIECE * len(h):
                    out.append((h, l))
    return out


def viterbi(h, l, score):
    n, m = len(h), len(l)
    best = [[-math.inf] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(1, n + 1):
        c = h[i - 1]
        for j in range(i, m + 1):
            for k in range(1, min(MAX_PIECE, j) + 1):
                prev = best[i - 1][j - k]
                if prev == -math.inf:
                    continue
                s = prev + score(c, l[j - k:j])
                if s > best[i][j]:
                    best[i][j], back[i][j] = s, k
    if best[n][m] == -math.inf:
        return None
    pieces, j = [], m
    for i in range(n, 0, -1):
        k = back[i][j]
        pieces.append(l[j - k:j])
        j -= k
    return pieces[::-1]


def main():
    data = pairs(sys.argv[1])
    print(f"{len(data)} Han/Latin pairs", file=sys.stderr)
    # First pass: a prior that prefers pieces of two or three letters.
    prior = {1: -1.5, 2: -0.5, 3: -0.7, 4: -2.0, 5: -3.0}
    score = lambda c, piece: prior[len(piece)]
    for it in range(6):
        counts = collections.defaultdict(collections.Counter)
        for h, l in data:
            pieces = viterbi(h, l, score)
            if pieces:
                for c, p in zip(h, pieces):
                    counts[c][p] += 1
        totals = {c: sum(v.values()) for c, v in counts.items()}
        logp = {c: {p: math.log(n / totals[c]) for p, n in v.items()} for c, v in counts.items()}
        score = lambda c, piece, logp=logp: logp.get(c, {}).get(piece, -12.0 + prior[len(piece)])
        print(f"iteration {it}: {len(counts)} characters", file=sys.stderr)
    print("# Han character\treadings, most frequent first (reading:count)")
    print("# Learned by scripts/learn-han-readings.py from the dev name groups; regenerate, do not edit.")
    for c in sorted(counts):
        v = counts[c]
        total = sum(v.values())
        if total < 2:
            continue
        # Equal counts in the order of their letters: Counter.most_common would keep them in the
        # order they were first seen, which follows the groups' sets (PYTHONHASHSEED).
        ranked = sorted(v.items(), key=lambda pn: (-pn[1], pn[0]))
        kept = [(p, n) for p, n in ranked[:8] if n >= max(2, total * 0.02)]
        if kept:
            print(c + "\t" + " ".join(f"{p}:{n}" for p, n in kept))


if __name__ == "__main__":
    main()
