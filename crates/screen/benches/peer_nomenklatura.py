#!/usr/bin/env python3
"""Side-by-side speed of Interdict and OpenSanctions nomenklatura logic-v2 (pip install nomenklatura), same machine,
same run.

1. Pair scoring: the 826 name-bench pairs + 22 cross-script pairs, scored by logic-v2 in-process and by
   `interdict names compare` (one process, JSON lines; process start included).
2. Screening: the 683 UN positives (with typos) screened by `interdict screen` against the whole UN list, end to
   end (list load, retrieval, scoring, explanations), against logic-v2 scoring each query against ONE candidate
   (its expected list name), i.e. with retrieval given to it for free. The ratio is therefore a lower bound.
3. Screening with retrieval on both sides: the same UN list, read from the UN XML by this script into FtM
   Person/Organization entities (ids = UN reference numbers; all names, aliases and original-script names, birth
   dates (exact, year, or every year of a from-to range), nationalities), loaded into a nomenklatura MemoryStore,
   indexed by nomenklatura's own candidate index (nomenklatura.blocker.Index, the DuckDB token index behind its
   xref/dedupe) with its default options (max_candidates 75, min_score_ratio 0.1). Queries: the 683 UN positives
   and the first --negatives rows of negatives_global.csv, each as a Person with name and birth date (as in 2.).
   nomenklatura side: XML reading and the index build are timed, but reported apart and NOT in queries/s; building
   the query entities is not timed. Timed: Index.match_entities over all queries at once (its batch API, the
   favourable case: one DuckDB join for the whole set), fetching each candidate from the store, scoring it with
   logic-v2 against the query, keeping the best. Wall and process CPU (all DuckDB threads included).
   interdict side: `interdict screen` on exactly these queries as JSON lines (one process per run, median of --runs
   runs), end to end (process start, list load and index included, so queries/s is conservative); empty runs give
   the start-up/list-load time, also shown subtracted. CPU is the child's user+system time. nomenklatura runs once.
   Recall@1 on the positives, both sides: the best (nomenklatura) or first (interdict) result is an entry that has
   the untreated row's full name among its names (ambiguous names accept any entry bearing them). Some treated
   positives carry malformed birth dates ("1982-9-26"): interdict reports each on its line (exit status 2) and
   screens the query by name without the date; FtM cleaning on the nomenklatura side repairs or drops the bad date
   (both the list and the query entities are built uncleaned and cleaned by FtM: country names to codes, dates
   normalised).

Usage: python3 crates/screen/benches/peer_nomenklatura.py [--interdict target/release/interdict] [--repeat N]
       [--negatives N] [--max-candidates N] [--runs N] [--threshold T]
"""
import argparse, csv, json, os, pathlib, resource, subprocess, sys, tempfile, time
import xml.etree.ElementTree as ET

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


def query_lines(queries):
    """`interdict screen` JSON lines for (name, birth date or empty) pairs, ids q0, q1, ..."""
    return "".join(
        json.dumps(
            {"id": f"q{i}", "schema": "Person", "properties": {"name": [q], **({"birthDate": [d]} if d else {})}},
            ensure_ascii=False,
        )
        + "\n"
        for i, (q, d) in enumerate(queries)
    )


def run_screen(binary, lines):
    """`interdict screen` against the UN list on `lines`: (stdout, wall seconds, CPU seconds of the child)."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run(
        [binary, "screen", "--list", os.path.join(DATA, "lists/un/UN_consolidated.xml")],
        input=lines.encode(),
        capture_output=True,
    )
    wall = time.perf_counter() - start
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return p, wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def interdict_screen(binary, rows, repeat):
    p, wall, _ = run_screen(binary, query_lines((q, d) for q, _, d in rows) * repeat)
    return p.stdout.count(b"\n"), wall


def un_list_entities(path):
    """The UN consolidated list as FtM entity data: (id, schema, properties, all names)."""
    root = ET.parse(path).getroot()
    out = []

    def text(el, tag):
        return " ".join((el.findtext(tag) or "").split())

    for kind, schema in (("INDIVIDUAL", "Person"), ("ENTITY", "Organization")):
        for e in root.iter(kind):
            ref = text(e, "REFERENCE_NUMBER")
            if kind == "INDIVIDUAL":
                name = " ".join(n for n in (text(e, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")) if n)
            else:
                name = text(e, "FIRST_NAME")
            aliases = [text(a, "ALIAS_NAME") for a in e.iter(kind + "_ALIAS")]
            aliases.append(text(e, "NAME_ORIGINAL_SCRIPT"))
            aliases = [a for a in dict.fromkeys(aliases) if a and a != name]
            props = {"name": [name], "alias": aliases}
            if kind == "INDIVIDUAL":
                dobs = []
                for d in e.iter("INDIVIDUAL_DATE_OF_BIRTH"):
                    if text(d, "DATE"):
                        dobs.append(text(d, "DATE")[:10])
                    elif text(d, "YEAR"):
                        dobs.append(text(d, "YEAR"))
                    elif text(d, "FROM_YEAR").isdigit() and text(d, "TO_YEAR").isdigit():
                        dobs.extend(str(y) for y in range(int(text(d, "FROM_YEAR")), int(text(d, "TO_YEAR")) + 1))
                props["birthDate"] = dobs
                props["nationality"] = [text(v, ".") for n in e.iter("NATIONALITY") for v in n.iter("VALUE") if text(v, ".")]
            out.append((ref, schema, props, [name] + aliases))
    return out


def norm_name(n):
    return " ".join(n.casefold().split())


def screen_queries(negatives):
    """The positives (treated name, birth date, expected normalised list name) then the first `negatives` rows of
    negatives_global.csv (expected None)."""
    qs = [(q, d, norm_name(listed)) for q, listed, d in un_positives()]
    with open(os.path.join(DATA, "eval/yente_candidate_generation/negatives_global.csv")) as f:
        for i, r in enumerate(csv.DictReader(f)):
            if i >= negatives:
                break
            qs.append((r["full_name"], r["date_of_birth"], None))
    return qs


def expected_ids(entries):
    by_name = {}
    for ref, _, _, names in entries:
        for n in names:
            by_name.setdefault(norm_name(n), set()).add(ref)
    return by_name


def nomenklatura_screen(entries, qs, max_candidates):
    import logging
    from followthemoney import Dataset, StatementEntity
    from nomenklatura.blocker import Index
    from nomenklatura.matching import get_algorithm
    from nomenklatura.matching.types import ScoringConfig
    from nomenklatura.resolver import Linker
    from nomenklatura.store import MemoryStore

    logging.getLogger("nomenklatura").setLevel(logging.WARNING)
    algo = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()
    t0 = time.perf_counter()
    lst = Dataset.make({"name": "un_sc", "title": "UN SC"})
    store = MemoryStore(lst, Linker({}))
    with store.writer() as w:
        for ref, schema, props, _ in entries:
            w.add_entity(StatementEntity(lst, {"id": ref, "schema": schema, "properties": props}, cleaned=False))
    view = store.view(lst)
    load = time.perf_counter() - t0
    tmp = tempfile.TemporaryDirectory(prefix="nk_index_")
    t0, c0 = time.perf_counter(), cpu_now()
    index = Index(view, pathlib.Path(tmp.name), options={"max_candidates": max_candidates})
    index.build()
    build, build_cpu = time.perf_counter() - t0, cpu_now() - c0

    qds = Dataset.make({"name": "queries", "title": "queries"})
    queries = {}
    for i, (name, dob, _) in enumerate(qs):
        props = {"name": [name], **({"birthDate": [dob]} if dob else {})}
        queries[f"q{i}"] = StatementEntity(qds, {"id": f"q{i}", "schema": "Person", "properties": props}, cleaned=False)
    warm = view.get_entity(entries[0][0])  # warm-up: logic-v2 lexicons and caches load on first use
    for q in list(queries.values())[:20]:
        algo.compare(q, warm, config)

    t0, c0 = time.perf_counter(), cpu_now()
    candidates = {qid.id: [m.id for m, _ in matches] for qid, matches in index.match_entities(queries.values())}
    retrieval = time.perf_counter() - t0
    best = {}
    scored = 0
    for qid, ids in candidates.items():
        q = queries[qid]
        top = (None, -1.0)
        for cid in ids:
            c = view.get_entity(cid)
            if c is None:
                continue
            score = algo.compare(q, c, config).score
            scored += 1
            if score > top[1]:
                top = (cid, score)
        best[qid] = top
    wall, cpu = time.perf_counter() - t0, cpu_now() - c0
    index.close()
    tmp.cleanup()
    return {
        "load": load, "build": build, "build_cpu": build_cpu, "retrieval": retrieval, "wall": wall, "cpu": cpu,
        "scored": scored, "with_candidates": len(candidates),
        "best": {int(k[1:]): v for k, v in best.items()},
    }


def interdict_screen_set(binary, qs, runs):
    def run(lines):
        p, wall, cpu = run_screen(binary, lines)
        # Exit status 2 with per-line errors is expected: some treated positives carry typo'd birth dates
        # ("1948-13-16"), which interdict reports and keeps as text; every query is still answered.
        answered, asked = p.stdout.count(b"\n"), lines.count("\n")
        if answered != asked:
            sys.exit(f"interdict screen answered {answered} of {asked} queries: {p.stderr[-500:]!r}")
        return p.stdout, wall, cpu

    lines = query_lines((q, d) for q, d, _ in qs)
    # A run takes a fraction of a second: take the median of `runs` runs, each for wall and CPU apart.
    empty = [run("") for _ in range(runs)]
    full = [run(lines) for _ in range(runs)]
    med = lambda xs: sorted(xs)[len(xs) // 2]
    load, load_cpu = med([r[1] for r in empty]), med([r[2] for r in empty])
    out, wall, cpu = full[0][0], med([r[1] for r in full]), med([r[2] for r in full])
    best = {}
    errors = 0
    for line in out.decode().splitlines():
        r = json.loads(line)
        errors += "error" in r
        res = r.get("results") or []
        best[int(r["id"][1:])] = (res[0]["id"], res[0]["score"]) if res else (None, -1.0)
    return {"load": load, "load_cpu": load_cpu, "wall": wall, "cpu": cpu, "best": best, "errors": errors}


def recall_and_hits(qs, best, by_name, threshold):
    pos = [i for i, q in enumerate(qs) if q[2] is not None]
    neg = [i for i, q in enumerate(qs) if q[2] is None]
    resolvable = [i for i in pos if qs[i][2] in by_name]
    hit = sum(1 for i in resolvable if best.get(i, (None, 0))[0] in by_name[qs[i][2]])
    neg_alerts = sum(1 for i in neg if best.get(i, (None, -1.0))[1] >= threshold)
    return hit, len(resolvable), neg_alerts, len(neg)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interdict", default=os.path.join(HERE, "../../../target/release/interdict"))
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--negatives", type=int, default=5000, help="negatives_global.csv rows in measurement 3")
    ap.add_argument("--max-candidates", type=int, default=75, help="nomenklatura Index top-N (its default: 75)")
    ap.add_argument("--runs", type=int, default=5, help="interdict runs in measurement 3 (median taken)")
    ap.add_argument("--threshold", type=float, default=0.7, help="score counted as an alert on a negative")
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

    entries = un_list_entities(os.path.join(DATA, "lists/un/UN_consolidated.xml"))
    by_name = expected_ids(entries)
    qs = screen_queries(args.negatives)
    npos = sum(1 for q in qs if q[2] is not None)
    print(f"retrieval screen: {len(qs)} queries ({npos} UN positives + {len(qs) - npos} negatives) "
          f"against {len(entries)} UN entries; load average {os.getloadavg()[0]:.1f}")
    nk = nomenklatura_screen(entries, qs, args.max_candidates)
    n = len(qs)
    print(f"  nomenklatura: store load {nk['load']:.2f}s, Index build {nk['build']:.2f}s wall ({nk['build_cpu']:.2f}s CPU), "
          f"not counted below")
    print(f"  nomenklatura Index.match_entities (top {args.max_candidates}) + logic-v2 on {nk['scored']:,} candidates "
          f"({nk['with_candidates']} queries had any): {nk['wall']:.2f}s wall (retrieval {nk['retrieval']:.2f}s), "
          f"{nk['cpu']:.2f}s CPU: {n / nk['wall']:,.1f} queries/s wall, {n / nk['cpu']:,.1f} queries/s CPU")
    it = interdict_screen_set(args.interdict, qs, args.runs)
    print(f"  interdict screen (end to end, median of {args.runs} runs): {it['wall']:.2f}s wall, {it['cpu']:.2f}s CPU: "
          f"{n / it['wall']:,.0f} queries/s wall, {n / it['cpu']:,.0f} queries/s CPU; "
          f"empty run (start-up + list load) {it['load']:.2f}s wall, {it['load_cpu']:.2f}s CPU; "
          f"{it['errors']} queries with an error line, screened without the field (malformed birth dates such as "
          f"'1982-9-26')")
    ex_wall, ex_cpu = max(it["wall"] - it["load"], 1e-9), max(it["cpu"] - it["load_cpu"], 1e-9)
    print(f"  interdict without start-up/list load: {n / ex_wall:,.0f} queries/s wall, {n / ex_cpu:,.0f} queries/s CPU")
    print(f"  ratio interdict/nomenklatura, end to end: {nk['wall'] / it['wall']:.0f}x wall, {nk['cpu'] / it['cpu']:.0f}x CPU; "
          f"without interdict's load: {nk['wall'] / ex_wall:.0f}x wall, {nk['cpu'] / ex_cpu:.0f}x CPU")
    for label, best in (("nomenklatura", nk["best"]), ("interdict", it["best"])):
        hit, resolvable, alerts, nneg = recall_and_hits(qs, best, by_name, args.threshold)
        print(f"  {label}: recall@1 {hit}/{resolvable} = {hit / max(resolvable, 1):.3f} "
              f"({npos - resolvable} positives' names not found verbatim in the list, left out); "
              f"negatives with a best score >= {args.threshold}: {alerts}/{nneg}")


if __name__ == "__main__":
    sys.exit(main())
