#!/usr/bin/env python3
"""Synthetic archives for entity resolution: N people, several records each, corrupted as
testimonies and lists corrupt them; writes the records (FtM JSON lines) and the truth.

Names are built from the variant groups of ../shared/data/names/name-variants-dev.tsv (one group
a name part, each record in one of the scripts both groups have, a random variant in it), so
that records of one person differ in script and spelling. Then: typing errors in alphabetic
names, parts swapped or dropped; birth dates full, year only, a year off or missing; Chinese
resident ID numbers (valid check digit) present in some records, with a digit wrong or two
swapped in some; sex and hometown present in some. Records per person follow a skewed
distribution (most people once, a few many times). Synthetic people only.

Usage: bench/er-generate.py N OUT_DIR [--seed S]
  writes OUT_DIR/records.ftm.jsonl and OUT_DIR/truth.tsv (record id <TAB> person id)
"""
import argparse, datetime, json, os, random

HOMETOWNS = [  # (Latin, Cyrillic, Chinese) spellings of Xinjiang places
    ("Ghulja", "Құлжа", "伊宁"), ("Karamay", "Қарамай", "克拉玛依"), ("Altay", "Алтай", "阿勒泰"),
    ("Tacheng", "Шәуешек", "塔城"), ("Urumqi", "Үрімші", "乌鲁木齐"), ("Kashgar", "Қашқар", "喀什"),
    ("Hotan", "Хотан", "和田"), ("Aksu", "Ақсу", "阿克苏"), ("Turpan", "Тұрпан", "吐鲁番"),
    ("Korla", "Корла", "库尔勒"), ("Burqin", "Бурылтоғай", "布尔津"), ("Shihezi", "Шихэцзы", "石河子"),
]
COUNTS = [1, 2, 3, 4, 5, 6, 8, 10]  # records per person, and how often
WEIGHTS = [0.5, 0.2, 0.1, 0.07, 0.05, 0.04, 0.02, 0.02]


def load_groups(path):
    groups = []
    for line in open(path, encoding="utf-8"):
        _, *forms = line.rstrip("\n").split("\t")
        by = {}
        for x in forms:
            s, _, v = x.partition(":")
            by.setdefault(s, []).append(v)
        if "Latin" in by and len(by) >= 2:
            groups.append(by)
    return groups


def typo(rng, text):
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1:]
    if kind < 0.7:
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice("aeiounrlkst") + text[i + 1:]


def resident_id(rng, born):
    body = "650102" + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def corrupt_id(rng, number):
    i = rng.randrange(6, 16)
    if rng.random() < 0.6:
        return number[:i] + str((int(number[i]) + rng.randrange(1, 10)) % 10) + number[i + 1:]
    return number[:i] + number[i + 1] + number[i] + number[i + 2:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--groups", default=os.path.join(os.path.dirname(__file__), "../../shared/data/names/name-variants-dev.tsv"))
    a = ap.parse_args()
    rng = random.Random(a.seed)
    groups = load_groups(a.groups)
    os.makedirs(a.out, exist_ok=True)
    n_records = 0
    with open(os.path.join(a.out, "records.ftm.jsonl"), "w", encoding="utf-8") as out, \
         open(os.path.join(a.out, "truth.tsv"), "w", encoding="utf-8") as truth:
        for person in range(a.n):
            while True:
                given, family = rng.choice(groups), rng.choice(groups)
                scripts = sorted(set(given) & set(family))
                if scripts:
                    break
            born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 60))
            number = resident_id(rng, born) if rng.random() < 0.7 else None
            sex = rng.choice(["male", "female"])
            home = rng.choice(HOMETOWNS)
            count = rng.choices(COUNTS, weights=WEIGHTS)[0]
            for _ in range(count):
                script = rng.choice(scripts)
                parts = [rng.choice(given[script]), rng.choice(family[script])]
                if script in ("Latin", "Cyrillic") and rng.random() < 0.15:
                    j = rng.randrange(2)
                    parts[j] = typo(rng, parts[j])
                if rng.random() < 0.2:
                    parts.reverse()
                if rng.random() < 0.05:
                    parts = parts[:1]
                name = ("·" if script == "Han" else " ").join(parts)
                props = {"name": [name]}
                r = rng.random()
                if r < 0.45:
                    props["birthDate"] = [born.isoformat()]
                elif r < 0.7:
                    props["birthDate"] = [str(born.year)]
                elif r < 0.8:
                    props["birthDate"] = [str(born.year + rng.choice([-2, -1, 1, 2]))]
                if number and rng.random() < 0.5:
                    props["idNumber"] = [corrupt_id(rng, number) if rng.random() < 0.15 else number]
                if rng.random() < 0.7:
                    props["gender"] = [sex]
                if rng.random() < 0.5:
                    props["birthPlace"] = [rng.choice(home)]
                rid = f"r{n_records}"
                n_records += 1
                out.write(json.dumps({"id": rid, "schema": "Person", "properties": props}, ensure_ascii=False) + "\n")
                truth.write(f"{rid}\tq{person}\n")
    print(f"{a.n} people, {n_records} records")


if __name__ == "__main__":
    main()
