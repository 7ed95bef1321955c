#!/usr/bin/env python3
"""Side-by-side speed of Interdict and OpenSanctions nomenklatura logic-v2 (pip install nomenklatura), same machine,
same run.

1. Pair scoring: the 826 name-bench pairs + 22 cross-script pairs, scored by logic-v2 in-process and by
   `interdict names compare` (one process, JSON lines; process start included).
2. Screening: the 683 UN positives (with typos) screened by `interdict screen` against the whole UN list, end to
   end (list load, retrieval, scoring, explanations), against logic-v2 scoring each query against ONE candidate
   (its expected list name), i.e. with retrieval given to it for free. The ratio is therefore a lower bound.

Usage: python3 crates/screen/benches/peer_nomenklatura.py [--interdict target/release/interdict] [--repeat N]
"""
import argparse, csv, json, os, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("INTERDICT_SHARED_DATA", os.path.join(HERE, "../../../../shared/data"))


def cpu_now():
    t = os.times()
    return t.user + t.system


def pairs():
    out = []
    with open(os.path.join(DATA, "eval/nomenklatura/name_bench_cases.csv")) as f:
        for r in csv.DictReader(f):
            schema = r["schema"] if r["schema"] in ("Person", "Organization", "Company", "LegalEntity", "Vessel") else "LegalEntity"
            out.append((schema, r["name1"], r["name2"]))
    with open(os.path.join(DATA, "eval/watchman/cross_script_pairs.csv")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                a, b = line.split(",")[:2]
                out.append(("Person", a, b))
    return out


def logic_v2_pairs(ps, repeat):
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algo = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()

    def ent(i, schema, name):
        e = model.make_entity(schema)
        e.id = f"e{i}"
        e.add("name", name)
        return e

    prepared = [(ent(2 * i, s, a), ent(2 * i + 1, s, b)) for i, (s, a, b) in enumerate(ps)]
    for q, r in prepared:  # warm-up: lexicons and caches load on first use
        algo.compare(q, r, config)
    start, c0 = time.perf_counter(), cpu_now()
    for _ in range(repeat):
        for q, r in prepared:
            algo.compare(q, r, config)
    return len(prepared) * repeat, time.perf_counter() - start, cpu_now() - c0


def interdict_pairs(binary, ps, repeat):
    schema = {"Company": "Organization"}
    lines = "".join(
        json.dumps({"schema": schema.get(s, s), "a": a, "b": b}, ensure_ascii=False) + "\n" for s, a, b in ps
    ) * repeat
    start = time.perf_counter()
    p = subprocess.run([binary, "names", "compare"], input=lines.encode(), capture_output=True, check=True)
    wall = time.perf_counter() - start
    n = p.stdout.count(b"\n")
    return n, wall


def un_positives():
    rows = []
    with open(os.path.join(DATA, "eval/yente_candidate_generation/positives_un_treated.csv")) as f:
        treated = list(csv.DictReader(f))
    with open(os.path.join(DATA, "eval/yente_candidate_generation/positives_un_untreated.csv")) as f:
        untreated = list(csv.DictReader(f))
    for t, u in zip(treated, untreated):
        rows.append((t["full_name"], u["full_name"], t["date_of_birth"]))
    return rows


def logic_v2_screen(rows, repeat):
    from followthemoney import model
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig

    algo = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()
    prepared = []
    for i, (q, listed, dob) in enumerate(rows):
        a = model.make_entity("Person")
        a.id = f"q{i}"
        a.add("name", q)
        if dob:
            a.add("birthDate", dob)
        b = model.make_entity("Person")
        b.id = f"l{i}"
        b.add("name", listed)
        if dob:
            b.add("birthDate", dob)
        prepared.append((a, b))
    for a, b in prepared[:50]:  # warm-up
        algo.compare(a, b, config)
    start, c0 = time.perf_counter(), cpu_now()
    for _ in range(repeat):
        for a, b in prepared:
            algo.compare(a, b, config)
    return len(prepared) * repeat, time.perf_counter() - start, cpu_now() - c0


def interdict_screen(binary, rows, repeat):
    lines = "".join(
        json.dumps(
            {"id": f"q{i}", "schema": "Person", "properties": {"name": [q], **({"birthDate": [d]} if d else {})}},
            ensure_ascii=False,
        )
        + "\n"
        for i, (q, _, d) in enumerate(rows)
    ) * repeat
    start = time.perf_counter()
    p = subprocess.run(
        [binary, "screen", "--list", os.path.join(DATA, "lists/un/UN_consolidated.xml")],
        input=lines.encode(),
        capture_output=True,
    )
    wall = time.perf_counter() - start
    return p.stdout.count(b"\n"), wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interdict", default=os.path.join(HERE, "../../../target/release/interdict"))
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ps = pairs()
    n, wall, cpu = logic_v2_pairs(ps, 1)
    print(f"pairs  logic-v2:  {n} pairs in {wall:.2f}s wall ({cpu:.2f}s CPU): {n / wall:,.0f} pairs/s")
    n2, wall2 = interdict_pairs(args.interdict, ps, args.repeat)
    print(f"pairs  interdict: {n2} pairs in {wall2:.2f}s wall incl. process start: {n2 / wall2:,.0f} pairs/s")
    print(f"pairs  ratio (wall): {(n2 / wall2) / (n / wall):.0f}x")
    rows = un_positives()
    n, wall, cpu = logic_v2_screen(rows, 1)
    print(f"screen logic-v2 (1 given candidate per query): {n} in {wall:.2f}s: {n / wall:,.1f} queries/s")
    n2, wall2 = interdict_screen(args.interdict, rows, args.repeat)
    print(f"screen interdict (whole UN list, end to end):  {n2} in {wall2:.2f}s: {n2 / wall2:,.0f} queries/s")
    print(f"screen ratio (wall, lower bound): {(n2 / wall2) / (n / wall):.0f}x")


if __name__ == "__main__":
    sys.exit(main())
