#!/usr/bin/env python3
"""Writes the 100,000 synthetic negatives of ../shared/data/eval/yente_candidate_generation as FollowTheMoney-style
JSON lines for `interdict screen`, for the end-to-end throughput run against the UN list:

    python3 crates/screen/benches/negatives_to_jsonl.py > /tmp/negatives.jsonl
    time target/release/interdict screen --list ../shared/data/lists/un/UN_consolidated.xml \
        < /tmp/negatives.jsonl > /tmp/negatives.out
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "eval", "yente_candidate_generation")

n = 0
for name in ("negatives_global.csv", "negatives_us.csv"):
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        sys.exit(f"{path} not found: the shared data sits beside the repository")
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            n += 1
            props = {"name": [row["full_name"]]}
            for column, prop in (("date_of_birth", "birthDate"), ("gender", "gender"), ("nationality", "nationality")):
                if row.get(column):
                    props[prop] = [row[column]]
            print(json.dumps({"id": f"n{n}", "schema": "Person", "properties": props}, ensure_ascii=False))
