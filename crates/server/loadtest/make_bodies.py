"""Writes one /v1/screen request body per line: UN positives (treated, with typos) and synthetic non-matching
persons from the shared evaluation data, interleaved. Usage: make_bodies.py SHARED_DATA_DIR OUT [NEGATIVES]"""
import csv, datetime, json, sys

root, out = sys.argv[1], sys.argv[2]
negatives = int(sys.argv[3]) if len(sys.argv) > 3 else 2000


def iso_date(text):
    """YYYY, YYYY-MM or YYYY-MM-DD as the API requires; unpadded or impossible dates are repaired or cut back."""
    parts = [p for p in text.strip()[:10].split("-") if p.isdigit()]
    if not parts or len(parts[0]) != 4:
        return None
    y = int(parts[0])
    if len(parts) >= 3:
        try:
            return datetime.date(y, int(parts[1]), int(parts[2])).isoformat()
        except ValueError:
            pass
    if len(parts) >= 2 and 1 <= int(parts[1]) <= 12:
        return f"{y:04d}-{int(parts[1]):02d}"
    return f"{y:04d}"


def body(i, row):
    props = {"name": [row["full_name"]]}
    date = iso_date(row.get("date_of_birth") or "")
    if date:
        props["birthDate"] = [date]
    nat = (row.get("nationality") or "").strip().lower()
    if len(nat) == 2:
        props["nationality"] = [nat]
    return json.dumps({"queries": [{"id": f"q{i}", "schema": "Person", "properties": props}]})


def rows(path, limit):
    with open(path, newline="", encoding="utf-8") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i >= limit:
                break
            yield row


base = root + "/eval/yente_candidate_generation/"
pos = list(rows(base + "positives_un_treated.csv", 10**9))
neg = list(rows(base + "negatives_global.csv", negatives))
with open(out, "w", encoding="utf-8") as f:
    i = 0
    for k in range(max(len(pos), len(neg))):
        for group in (pos, neg):
            if k < len(group):
                f.write(body(i, group[k]) + "\n")
                i += 1
print(f"{i} bodies ({len(pos)} UN positives, {len(neg)} non-matching) -> {out}")
