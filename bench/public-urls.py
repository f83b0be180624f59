#!/usr/bin/env python3
"""Writes the URLs the live public site's benchmark asks for, one kind a file, from an edition
written by bench/public-edition.py: DIR/urls-names.txt (a name in another script than the one
shown, with a filter), urls-words.txt (one or two words of an entry's transcripts, not among
the 100 most frequent of the edition, with one or two filters that entry has), urls-common.txt
(the same with words among those 100: the worst case), urls-filters.txt (filters alone, sorted
by year), urls-statistics.txt (the statistics page with filters).

Usage: bench/public-urls.py DIR [COUNT]
"""
import json
import random
import sys
import urllib.parse

site, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 500
rng = random.Random(11)
rows = []
with open(f"{site}/data/entries.jsonl", encoding="utf-8") as f:
    for i, line in enumerate(f):
        if len(rows) < 20000:
            rows.append(json.loads(line))
        elif rng.random() < 20000 / (i + 1):
            rows[rng.randrange(len(rows))] = json.loads(line)


def filters(row, k):
    p = row["profile"]
    options = [("ethnicity", p["ethnicity"]), ("year", p["detention_year"]), ("level", {"is": p["level"]}),
               ("status", p["status"]), ("prefecture", p["prefecture"])]
    options = [(name, v["is"]) for name, v in options if isinstance(v, dict)]
    return rng.sample(options, min(k, len(options)))


def url(path, pairs):
    return path + "?" + urllib.parse.urlencode([("lang", rng.choice(["en", "kk", "ru", "zh"]))] + pairs)


# The most frequent words of the sample's transcripts.
frequency = {}
for row in rows:
    for text in row["texts"]:
        for word in text.rstrip("。.").replace("，", " ").split(" "):
            frequency[word] = frequency.get(word, 0) + 1
common = set(sorted(frequency, key=frequency.get, reverse=True)[:100])

kinds = {"names": [], "words": [], "common": [], "filters": [], "statistics": []}
for _ in range(count):
    row = rng.choice(rows)
    # A name as another script writes it: the entry must answer the query and its filter.
    name = rng.choice(row["names"][1:])
    kinds["names"].append(url("/entries", [("q", name)] + filters(row, 1)))
    text = rng.choice(row["texts"]).rstrip("。.").replace("，", " ").split(" ")
    for kind, wanted in (("words", False), ("common", True)):
        chosen = [w for w in text if (w in common) == wanted] or text
        start = rng.randrange(len(chosen))
        q = " ".join(chosen[start:start + rng.randint(1, 2)])
        kinds[kind].append(url("/entries", [("q", q)] + filters(row, rng.randint(1, 2))))
    kinds["filters"].append(url("/entries", filters(row, rng.randint(1, 3)) + [("sort", "year")]))
    kinds["statistics"].append(url("/statistics", filters(row, rng.randint(0, 2))))
for kind, urls in kinds.items():
    with open(f"{site}/urls-{kind}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(urls) + "\n")
