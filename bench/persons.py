#!/usr/bin/env python3
"""Writes N synthetic FtM persons as JSON lines to stdout (the import benchmarks' input)."""
import json
import sys

given = ["Серік", "Nurlan", "Айгүл", "Gulnar", "Абдулла", "Meryem", "赛力克", "ئابدۇللا"]
for i in range(int(sys.argv[1])):
    print(json.dumps({"id": f"p{i}", "schema": "Person", "properties": {
        "name": [f"{given[i % 8]} {given[(i // 8) % 8]} {i}"],
        "birthDate": [str(1940 + i % 60)], "gender": ["male" if i % 2 else "female"],
        "idNumber": [f"6540021970{i % 10**8:08d}"]}}, ensure_ascii=False))
