#!/usr/bin/env python3
"""The Splink baseline for entity resolution, on the records bench/er-generate.py writes.

Splink (PyPI `splink`, DuckDB backend) set up as its documentation recommends for person data:
names (transliterated to ASCII with anyascii, split into first name and surname; scripts
Splink cannot compare), date of birth, ID number, hometown (term-frequency adjusted), sex;
blocking on name pairs, names and birth year, ID number and date of birth; the chance of two
random records matching from deterministic rules, u by random sampling, m by EM. Prints
pairwise precision, recall and F1 at each clustering threshold, and the time.

Usage: bench/er-splink.py DIR [THRESHOLD...]   (DIR as written by bench/er-generate.py)
Needs: pip install splink anyascii
"""
import json, logging, os, sys, time
from collections import defaultdict

import pandas as pd
from anyascii import anyascii
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.backends.duckdb import DuckDBAPI

from er_score import score, true_groups


def rows(path):
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        p = r["properties"]
        name = p.get("name", [""])[0].replace("·", " ")
        parts = anyascii(name).lower().split()
        born = p.get("birthDate", [None])[0]
        yield {
            "unique_id": r["id"],
            "first_name": parts[0] if parts else None,
            "surname": parts[-1] if len(parts) > 1 else None,
            "dob": born if born and len(born) == 10 else None,
            "birth_year": born[:4] if born else None,
            "id_number": p.get("idNumber", [None])[0],
            "hometown": anyascii(p["birthPlace"][0]).lower() if "birthPlace" in p else None,
            "sex": p.get("gender", [None])[0],
        }


def main():
    work, thresholds = sys.argv[1], [float(t) for t in sys.argv[2:]] or [0.5, 0.8]
    logging.getLogger("splink").setLevel(logging.WARNING)
    df = pd.DataFrame(rows(os.path.join(work, "records.ftm.jsonl")))
    truth = true_groups(os.path.join(work, "truth.tsv"))
    started = time.perf_counter()
    db = DuckDBAPI()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("surname", "birth_year"),
            block_on("first_name", "birth_year"),
            block_on("id_number"),
            block_on("dob"),
        ],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.LevenshteinAtThresholds("id_number", [1, 2]),
            cl.ExactMatch("hometown").configure(term_frequency_adjustments=True),
            cl.ExactMatch("sex"),
        ],
    )
    linker = Linker(db.register(df), settings, log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"), block_on("id_number")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=7)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    predictions = linker.inference.predict(threshold_match_probability=min(thresholds))
    results = []
    for t in thresholds:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, t).as_pandas_dataframe()
        results.append((t, clusters))
    seconds = time.perf_counter() - started
    for t, clusters in results:
        found = defaultdict(list)
        for uid, cid in zip(clusters["unique_id"], clusters["cluster_id"]):
            found[cid].append(uid)
        p, r, f1 = score(truth, found.values())
        print(f"splink threshold {t}: precision {p:.4f}  recall {r:.4f}  F1 {f1:.4f}  entries {len(found):,}")
    print(f"splink: {seconds:.1f} s (training, prediction and clustering)")


if __name__ == "__main__":
    main()
