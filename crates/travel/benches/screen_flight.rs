//! A 500-passenger PAXLST flight screened against the UN list (from ../shared/data when present) plus a
//! 1,000,000-entity synthetic list (interdict-screen's generator). Three passengers carry the names and birth
//! dates of UN-listed persons; every iteration asserts that exactly those three are matched and that the number
//! of travellers with a watchlist match is the same as in the first run, so a fast but wrong screen fails.
//!
//! What is timed: `TravellerScreener::screen_message` on the already parsed message, nothing else. The list
//! import, the index build (UN + synthetic), the PAXLST parse and process start are outside the measurement.
//! `INTERDICT_BENCH_SYNTHETIC=N` replaces the 1,000,000 synthetic entities by N (for quick local runs only; the
//! acceptance figure is with the default).

use criterion::{Criterion, criterion_group, criterion_main};
use interdict_model::{Entity, Schema};
use interdict_screen::{ScreenOptions, WatchlistIndexBuilder};
use interdict_travel::{
    HitType, LostStolenList, RuleSet, SensitiveDataFilter, TravelMessage, TravellerScreener,
    read_travel_file,
};
use std::sync::Arc;

const GIVEN: &[&str] = &[
    "ORLA", "TAMSIN", "BRIX", "QUENTA", "ZEPHRA", "LIOR", "MAREK", "ISOLDE", "FENWICK", "ANSELM",
];
const FAMILY: &[&str] = &[
    "QUILLFEATHER",
    "VANTERPOOL",
    "OSTROVSKA",
    "MERIDETH",
    "HALVORSEN",
    "ZELLWEGER",
    "BRANDAO",
    "KESTREL",
    "PLOVDIVA",
    "TREMAYNE",
];

/// The PAXLST text for 500 passengers; `planted` (surname, given, YYMMDD birth) replace the first passengers.
fn flight(planted: &[(String, String, String)]) -> String {
    let mut body = vec![
        "BGM+745".to_string(),
        "TDT+20+ZZ500+++ZZ".into(),
        "LOC+125+AMS".into(),
        "DTM+189:2603011015:201".into(),
        "LOC+87+IST".into(),
        "DTM+232:2603011450:201".into(),
    ];
    for i in 0..500 {
        let (surname, given, born) = match planted.get(i) {
            Some(p) => p.clone(),
            None => (
                format!(
                    "{}{}",
                    FAMILY[i % 10],
                    ["", "SON", "EL", "ANO", "IK"][i / 100 % 5]
                ),
                format!("{} {}", GIVEN[i / 10 % 10], GIVEN[(i / 3) % 10]),
                format!("{:02}{:02}{:02}", 50 + i % 50, 1 + i % 12, 1 + i % 28),
            ),
        };
        body.push(format!("NAD+FL+++{surname}:{given}"));
        body.push(format!("DTM+329:{born}"));
        body.push("NAT+2+NLD".into());
        body.push(format!("DOC+P:110:111+ZZ{i:07}"));
        body.push("DTM+36:300101".into());
        body.push("LOC+91+NLD".into());
    }
    body.push("CNT+42:500".into());
    let count = body.len() + 2;
    format!(
        "UNB+UNOA:4+ZZ+PIU+260301:0900+B1'UNH+B1+PAXLST:D:05B:UN:IATA'{}'UNT+{count}+B1'UNZ+1+B1'",
        body.join("'")
    )
}

fn planted_from(un: &[Entity]) -> Vec<(String, String, String)> {
    un.iter()
        .filter(|e| e.schema == Schema::Person)
        .filter_map(|e| {
            let n = e.names.first()?;
            let family = n.family.clone()?;
            let given = n.given.join(" ");
            let d = e.birth_dates.first()?.date()?;
            let (m, day) = (d.month?, d.day?);
            (!given.is_empty()).then(|| {
                (
                    family,
                    given,
                    format!("{:02}{m:02}{day:02}", d.year.rem_euclid(100)),
                )
            })
        })
        .take(3)
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut builder = WatchlistIndexBuilder::new();
    let mut planted = Vec::new();
    match interdict_testdata::shared_data("lists/un/UN_consolidated.xml") {
        Some(p) => {
            let import = interdict_lists::read_list_file(&p).expect("UN list");
            planted = planted_from(&import.entities);
            builder.extend(import.entities);
        }
        None => eprintln!("bench runs against the synthetic list only"),
    }
    let synthetic = std::env::var("INTERDICT_BENCH_SYNTHETIC")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    builder.extend(interdict_screen::synthetic::synthetic_entities(
        synthetic, 7,
    ));
    let index = Arc::new(builder.build());
    let screener = TravellerScreener::new(
        index,
        LostStolenList::default(),
        RuleSet::default(),
        ScreenOptions::default(),
    );
    let text = flight(&planted);
    let file = read_travel_file(
        text.as_bytes(),
        &SensitiveDataFilter::default(),
        (2026, 3, 1),
    );
    let message = &file.messages[0];
    let TravelMessage::Paxlst(p) = &message.message else {
        panic!("PAXLST expected")
    };
    assert_eq!(p.travellers.len(), 500);
    let matched = |s: &interdict_travel::MessageScreening| {
        s.travellers
            .iter()
            .filter(|t| t.hit_types().contains(&HitType::WatchlistMatch))
            .count()
    };
    // The planted travellers are the first ones; each of them must be matched, every run.
    let planted_matched = |s: &interdict_travel::MessageScreening| {
        s.travellers
            .iter()
            .take(planted.len())
            .filter(|t| t.hit_types().contains(&HitType::WatchlistMatch))
            .count()
    };
    let first = screener.screen_message(message);
    assert_eq!(first.travellers.len(), 500);
    let expected = matched(&first);
    assert_eq!(
        planted_matched(&first),
        planted.len(),
        "every planted UN name must match"
    );
    eprintln!(
        "travellers with a watchlist match: {expected} (planted: {})",
        planted.len()
    );
    let mut g = c.benchmark_group("travel");
    g.sample_size(10);
    g.bench_function("screen_500_passengers_un_plus_1m", |b| {
        b.iter(|| {
            let s = screener.screen_message(std::hint::black_box(message));
            assert_eq!(matched(&s), expected);
            assert_eq!(planted_matched(&s), planted.len());
            s.travellers.len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
