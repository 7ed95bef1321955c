//! `interdict eval`: accuracy on labelled data, so anyone can rerun the figures reported for the matcher.
//!
//! - `eval names`: the nomenklatura name bench (and the cross-script pairs): precision, recall and F1 per case
//!   group at a threshold, beside a reference run (logic-v2's frozen scores) when given.
//! - `eval screening`: positives screened against a list (recall at rank 1: the expected entity first) and
//!   negatives (share of queries with any match at the threshold), with throughput.

use crate::watchlists::{WatchlistConfig, load_index};
use anyhow::Context;
use interdict_model::{Country, DateOfBirth, Entity, Gender, Name, NameKind, PartialDate, Schema};
use interdict_names::{DefaultWeights, Lexicon, NameClass, ScoreParams, compare_with};
use interdict_screen::{ScreenOptions, WatchlistIndex};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Name-pair accuracy on nomenklatura's name bench CSV (+ optional cross-script pairs).
    Names {
        /// name_bench_cases.csv (case_group,schema,name1,name2,is_match,...).
        #[arg(long)]
        cases: PathBuf,
        /// Watchman's cross_script_pairs.csv (all positives), scored as group `cross_script`.
        #[arg(long)]
        cross_script: Option<PathBuf>,
        /// Reference scores (name_bench_logicv2_frozen.csv) to report beside ours.
        #[arg(long)]
        reference: Option<PathBuf>,
        #[arg(long, default_value_t = 0.7)]
        threshold: f64,
        /// Extra name-variant lexicon in rigour's format.
        #[arg(long)]
        lexicon: Option<PathBuf>,
        /// Print every misclassified pair.
        #[arg(long)]
        errors: bool,
    },
    /// Screening accuracy: positives (recall@1 against their own list entry) and negatives (false-match rate).
    Screening {
        #[arg(long = "list", required = true)]
        lists: Vec<PathBuf>,
        /// Positive queries (full_name,...,date_of_birth,place_of_birth,nationality); row i is list person i.
        #[arg(long)]
        positives: Option<PathBuf>,
        /// The same persons as listed (untreated), used to find each positive's expected entity.
        #[arg(long)]
        positives_reference: Option<PathBuf>,
        /// Negative queries, same columns; repeatable.
        #[arg(long = "negatives")]
        negatives: Vec<PathBuf>,
        #[arg(long, default_value_t = 0.7)]
        threshold: f64,
        #[arg(long)]
        lexicon: Option<PathBuf>,
        /// Print every miss and every false match.
        #[arg(long)]
        errors: bool,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Names {
            cases,
            cross_script,
            reference,
            threshold,
            lexicon,
            errors,
        } => eval_names(
            &cases,
            cross_script.as_deref(),
            reference.as_deref(),
            threshold,
            lexicon.as_deref(),
            errors,
        ),
        Command::Screening {
            lists,
            positives,
            positives_reference,
            negatives,
            threshold,
            lexicon,
            errors,
        } => {
            let index = load_index(&WatchlistConfig {
                lists,
                lexicon,
                report_problems: false,
            })?;
            eval_screening(
                &index,
                positives.as_deref(),
                positives_reference.as_deref(),
                &negatives,
                threshold,
                errors,
            )
        }
    }
}

#[derive(Debug, Default, Clone, Copy)]
struct Confusion {
    tp: usize,
    fp: usize,
    tn: usize,
    fn_: usize,
}

impl Confusion {
    fn add(&mut self, truth: bool, predicted: bool) {
        match (truth, predicted) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (false, false) => self.tn += 1,
            (true, false) => self.fn_ += 1,
        }
    }
    fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn total(&self) -> usize {
        self.tp + self.fp + self.tn + self.fn_
    }
    fn merge(&mut self, o: &Confusion) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.tn += o.tn;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn class_of(schema: &str) -> NameClass {
    match schema.parse::<Schema>() {
        Ok(Schema::Person) => NameClass::Person,
        Ok(Schema::Vessel | Schema::Aircraft) => NameClass::Thing,
        _ => NameClass::Organization,
    }
}

struct Case {
    group: String,
    class: NameClass,
    a: String,
    b: String,
    truth: bool,
}

fn read_cases(path: &Path) -> anyhow::Result<Vec<Case>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<BTreeMap<String, String>>().enumerate() {
        let rec = rec.with_context(|| format!("{} record {}", path.display(), i + 1))?;
        let get = |k: &str| rec.get(k).cloned().unwrap_or_default();
        out.push(Case {
            group: get("case_group"),
            class: class_of(&get("schema")),
            a: get("name1"),
            b: get("name2"),
            truth: get("is_match") == "true",
        });
    }
    Ok(out)
}

fn read_cross_script(path: &Path) -> anyhow::Result<Vec<Case>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut out = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.splitn(4, ',').collect();
        if cols.len() >= 2 {
            out.push(Case {
                group: "cross_script".into(),
                class: NameClass::Person,
                a: cols[0].into(),
                b: cols[1].into(),
                truth: true,
            });
        }
    }
    Ok(out)
}

fn eval_names(
    cases_path: &Path,
    cross_script: Option<&Path>,
    reference: Option<&Path>,
    threshold: f64,
    lexicon: Option<&Path>,
    errors: bool,
) -> anyhow::Result<ExitCode> {
    let owned;
    let lex: &Lexicon = match lexicon {
        Some(p) => {
            owned = crate::watchlists::load_lexicon(p)?;
            &owned
        }
        None => Lexicon::builtin(),
    };
    let mut cases = read_cases(cases_path)?;
    if let Some(p) = cross_script {
        cases.extend(read_cross_script(p)?);
    }
    let params = ScoreParams::default();
    let mut ours: BTreeMap<String, Confusion> = BTreeMap::new();
    for c in &cases {
        let e = compare_with(&c.a, &c.b, c.class, lex, &DefaultWeights, &params);
        let predicted = e.score >= threshold;
        ours.entry(c.group.clone())
            .or_default()
            .add(c.truth, predicted);
        if errors && predicted != c.truth {
            println!(
                "{}\t{}\t{:.3}\t{}\t{}",
                if c.truth { "FN" } else { "FP" },
                c.group,
                e.score,
                c.a,
                c.b
            );
        }
    }
    let mut theirs: BTreeMap<String, Confusion> = BTreeMap::new();
    if let Some(p) = reference {
        let mut rdr =
            csv::Reader::from_path(p).with_context(|| format!("opening {}", p.display()))?;
        for rec in rdr.deserialize::<BTreeMap<String, String>>() {
            let rec = rec?;
            let score: f64 = rec.get("score").and_then(|s| s.parse().ok()).unwrap_or(0.0);
            let truth = rec.get("is_match").map(String::as_str) == Some("true");
            let group = rec.get("case_group").cloned().unwrap_or_default();
            theirs
                .entry(group)
                .or_default()
                .add(truth, score >= threshold);
        }
    }
    println!(
        "name bench at threshold {threshold} ({} pairs)",
        cases.len()
    );
    println!(
        "{:<22} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}",
        "group", "n", "TP", "FP", "TN", "FN", "P", "R", "F1", "ref P", "ref R", "ref F1"
    );
    let mut all = Confusion::default();
    let mut all_ref = Confusion::default();
    let mut bench_only = Confusion::default();
    for (g, c) in &ours {
        all.merge(c);
        if g != "cross_script" {
            bench_only.merge(c);
        }
        let r = theirs.get(g);
        if let Some(r) = r {
            all_ref.merge(r);
        }
        print_row(g, c, r);
    }
    print_row("ALL (bench)", &bench_only, reference.map(|_| &all_ref));
    print_row("ALL (bench + cross)", &all, None);
    Ok(ExitCode::SUCCESS)
}

fn print_row(name: &str, c: &Confusion, r: Option<&Confusion>) {
    let reference = r
        .map(|r| format!("{:>7.3} {:>7.3} {:>7.3}", r.precision(), r.recall(), r.f1()))
        .unwrap_or_else(|| format!("{:>7} {:>7} {:>7}", "-", "-", "-"));
    println!(
        "{:<22} {:>5} {:>5} {:>5} {:>5} {:>5} {:>7.3} {:>7.3} {:>7.3}   {}",
        name,
        c.total(),
        c.tp,
        c.fp,
        c.tn,
        c.fn_,
        c.precision(),
        c.recall(),
        c.f1(),
        reference
    );
}

/// A person query from the yente candidate-generation CSVs.
pub(crate) fn person_query(id: String, rec: &BTreeMap<String, String>) -> Entity {
    let mut e = Entity::new(id, Schema::Person);
    let get = |k: &str| rec.get(k).map(|s| s.trim()).unwrap_or("");
    e.names.push(Name::new(get("full_name"), NameKind::Primary));
    if let Ok(d) = get("date_of_birth").parse::<PartialDate>() {
        e.birth_dates.push(DateOfBirth::Exact(d));
    }
    if let Some(c) = Country::from_name(get("nationality")) {
        e.nationalities.push(c);
    }
    if let Ok(g) = get("gender").parse::<Gender>() {
        e.gender = Some(g);
    }
    e
}

fn read_people(path: &Path) -> anyhow::Result<Vec<Entity>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let mut out = Vec::new();
    for (i, rec) in rdr.deserialize::<BTreeMap<String, String>>().enumerate() {
        let rec = rec.with_context(|| format!("{} record {}", path.display(), i + 1))?;
        out.push(person_query(format!("row{}", i + 1), &rec));
    }
    Ok(out)
}

fn eval_screening(
    index: &WatchlistIndex,
    positives: Option<&Path>,
    positives_reference: Option<&Path>,
    negatives: &[PathBuf],
    threshold: f64,
    errors: bool,
) -> anyhow::Result<ExitCode> {
    let options = ScreenOptions {
        limit: 5,
        cutoff: 0.5,
        threshold,
    };
    if let Some(pos) = positives {
        let queries = read_people(pos)?;
        // The expected entity of row i: the list person whose name the untreated row gives exactly.
        let reference = match positives_reference {
            Some(p) => read_people(p)?,
            None => queries.clone(),
        };
        anyhow::ensure!(
            reference.len() == queries.len(),
            "positives and their reference differ in length"
        );
        let expected: Vec<Option<String>> = reference
            .par_iter()
            .map(|r| expected_entity(index, r))
            .collect();
        let start = Instant::now();
        let results: Vec<_> = queries
            .par_iter()
            .map(|q| index.screen(q, &options))
            .collect();
        let elapsed = start.elapsed();
        let mut at1 = 0;
        let mut known = 0;
        let mut matched = 0;
        for ((q, r), exp) in queries.iter().zip(&results).zip(&expected) {
            let Some(exp) = exp else { continue };
            known += 1;
            if r.first().is_some_and(|m| &m.id == exp) {
                at1 += 1;
            } else if errors {
                println!(
                    "MISS\t{}\texpected {}\tgot {}",
                    q.primary_name().unwrap_or_default(),
                    exp,
                    r.first()
                        .map(|m| format!("{} {} {:.3}", m.id, m.caption, m.score))
                        .unwrap_or_default()
                );
            }
            if r.iter().any(|m| &m.id == exp && m.is_match) {
                matched += 1;
            }
        }
        println!(
            "positives {}: {} queries, {} with a known list entry; recall@1 {:.4} ({at1}/{known}); expected entry matched at {threshold}: {:.4}; {:.0} queries/s",
            pos.display(),
            queries.len(),
            known,
            ratio(at1, known),
            ratio(matched, known),
            queries.len() as f64 / elapsed.as_secs_f64()
        );
    }
    for neg in negatives {
        let queries = read_people(neg)?;
        let start = Instant::now();
        let results: Vec<_> = queries
            .par_iter()
            .map(|q| index.screen(q, &options))
            .collect();
        let elapsed = start.elapsed();
        let mut hit = 0;
        for (q, r) in queries.iter().zip(&results) {
            if let Some(m) = r.iter().find(|m| m.is_match) {
                hit += 1;
                if errors {
                    println!(
                        "FALSE\t{}\t{} {} {:.3}",
                        q.primary_name().unwrap_or_default(),
                        m.id,
                        m.caption,
                        m.score
                    );
                }
            }
        }
        println!(
            "negatives {}: {} queries, {} with a match at {threshold} ({:.3}%); {:.0} queries/s",
            neg.display(),
            queries.len(),
            hit,
            100.0 * ratio(hit, queries.len()),
            queries.len() as f64 / elapsed.as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The list entity that a row of the untreated positives stands for: the one whose primary name (or an alias)
/// folds to the same text, preferring the same date of birth.
fn expected_entity(index: &WatchlistIndex, reference: &Entity) -> Option<String> {
    let want = interdict_names::fold(reference.primary_name()?).replace('-', " ");
    let mut found: Option<&Entity> = None;
    for e in index.entities() {
        if e.names
            .iter()
            .any(|n| interdict_names::fold(&n.text).replace('-', " ") == want)
        {
            let same_dob = reference
                .birth_dates
                .iter()
                .any(|d| e.birth_dates.contains(d));
            if found.is_none() || same_dob {
                found = Some(e);
                if same_dob {
                    break;
                }
            }
        }
    }
    found.map(|e| e.id.clone())
}
