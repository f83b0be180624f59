"""Pairwise precision, recall and F1 of entries against the truth bench/er-generate.py writes;
shared by bench/er-eval.sh (dalel) and bench/er-splink.py (the baseline)."""
import itertools
from collections import defaultdict


def true_groups(truth_path):
    """The truth file's records grouped by person."""
    groups = defaultdict(list)
    for line in open(truth_path, encoding="utf-8"):
        record, person = line.rstrip("\n").split("\t")
        groups[person].append(record)
    return list(groups.values())


def pairs(groups):
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}


def score(truth, found):
    """(precision, recall, F1) of the pairs within `found`'s groups against `truth`'s."""
    t, f = pairs(truth), pairs(found)
    tp = len(t & f)
    p = tp / len(f) if f else 1.0
    r = tp / len(t) if t else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
