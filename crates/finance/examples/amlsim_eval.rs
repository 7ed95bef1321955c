//! Runs a rule pack over the IBM AMLSim 20K data set and reports alerts by rule and precision / recall against
//! AMLSim's laundering labels (a transfer is laundering when both its accounts are labelled).
//!
//! `cargo run --release -p interdict-finance --example amlsim_eval -- [RULES.toml] [AMLSIM_DIR]`

use interdict_finance::ingest::amlsim::{AmlSimLabels, AmlSimReader};
use interdict_finance::{Monitor, RulePack};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let rules = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("{root}/samples/finance/rules-fr-tf.toml"));
    let dir = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| format!("{root}/../shared/data/finance/amlsim/20K_fanin200cycle200"));
    let pack = Arc::new(RulePack::from_toml_str(&std::fs::read_to_string(&rules)?)?);
    let labels = AmlSimLabels::read(
        std::fs::File::open(format!("{dir}/nodes.csv"))?,
        "nodes.csv",
    )?;
    let file = std::io::BufReader::new(std::fs::File::open(format!("{dir}/transactions.csv"))?);
    let start = std::time::Instant::now();
    let mut monitor = Monitor::new(pack);
    let (mut n, mut errors, mut positives) = (0u64, 0u64, 0u64);
    let mut flagged: HashSet<String> = HashSet::new();
    let mut flagged_by_rule: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut laundering: HashSet<String> = HashSet::new();
    let mut triggering: HashSet<String> = HashSet::new();
    let mut subjects: HashSet<String> = HashSet::new();
    let mut subjects_by_rule: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    for tx in AmlSimReader::new(file, "transactions.csv")? {
        let tx = match tx {
            Ok(t) => t,
            Err(e) => {
                errors += 1;
                eprintln!("{e}");
                continue;
            }
        };
        n += 1;
        if labels.is_laundering(&tx) {
            positives += 1;
            laundering.insert(tx.id.clone());
        }
        for alert in monitor.process(tx) {
            triggering.insert(alert.transactions[0].id.clone());
            subjects.insert(alert.subject.account.clone());
            subjects_by_rule
                .entry(alert.rule_id.clone())
                .or_default()
                .insert(alert.subject.account.clone());
            // An alert flags the transactions its aggregates counted.
            for t in &alert.transactions {
                flagged.insert(t.id.clone());
                flagged_by_rule
                    .entry(alert.rule_id.clone())
                    .or_default()
                    .insert(t.id.clone());
            }
        }
    }
    let elapsed = start.elapsed();
    let stats = monitor.stats();
    println!(
        "transactions read: {n}, record errors: {errors}, labelled laundering transfers: {positives}"
    );
    println!(
        "time: {:.2}s ({:.0} tx/s)",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
    println!("alerts by rule: {:?}", stats.alerts_by_rule);
    let report = |name: &str, set: &HashSet<String>| {
        let tp = set.iter().filter(|id| laundering.contains(*id)).count();
        let fp = set.len() - tp;
        let precision = if set.is_empty() {
            0.0
        } else {
            tp as f64 / set.len() as f64
        };
        let recall = tp as f64 / positives.max(1) as f64;
        println!(
            "{name:<28} flagged {:>6}  true {:>5}  false {:>6}  precision {:.3}  recall {:.3}",
            set.len(),
            tp,
            fp,
            precision,
            recall
        );
    };
    for (rule, set) in &flagged_by_rule {
        report(rule, set);
    }
    report("ALL RULES", &flagged);
    println!("-- triggering transactions only (the transaction on which each alert fired):");
    report("ALL RULES (triggering)", &triggering);
    println!(
        "-- accounts (alert subjects) against AMLSim's {} laundering accounts:",
        labels.fraud_account_count()
    );
    let accounts = |name: &str, set: &HashSet<String>| {
        let tp = set.iter().filter(|a| labels.is_fraud_account(a)).count();
        println!(
            "{name:<28} accounts {:>6}  laundering {:>5}  innocent {:>6}  precision {:.3}  recall {:.3}",
            set.len(),
            tp,
            set.len() - tp,
            tp as f64 / set.len().max(1) as f64,
            tp as f64 / labels.fraud_account_count().max(1) as f64
        );
    };
    for (rule, set) in &subjects_by_rule {
        accounts(rule, set);
    }
    accounts("ALL RULES", &subjects);
    Ok(())
}
