//! Integration tests of screening: the real UN list (skipped with a reason when ../shared/data is absent), the
//! index against an exhaustive scan (property test), evidence and explanations on fictional entries.

use interdict_model::{
    Country, DateOfBirth, Document, DocumentKind, Entity, Gender, Name, NameKind, Schema,
};
use interdict_screen::{ScreenOptions, WatchlistIndex, WatchlistIndexBuilder};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

fn person(id: &str, names: &[&str]) -> Entity {
    // One primary name, the rest strong aliases.
    let mut e = Entity::new(id, Schema::Person);
    for (i, n) in names.iter().enumerate() {
        let kind = if i == 0 {
            NameKind::Primary
        } else {
            NameKind::StrongAlias
        };
        e.names.push(Name::new(*n, kind));
    }
    e
}

fn index_of(entities: Vec<Entity>) -> WatchlistIndex {
    let mut b = WatchlistIndexBuilder::new();
    b.extend(entities);
    b.build()
}

fn un_index() -> Option<&'static Arc<WatchlistIndex>> {
    static INDEX: OnceLock<Option<Arc<WatchlistIndex>>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let path = interdict_testdata::shared_data("lists/un/UN_consolidated.xml")?;
            let import = interdict_lists::read_list_file(&path).expect("UN list imports");
            let mut b = WatchlistIndexBuilder::new();
            b.extend(import.entities);
            Some(Arc::new(b.build()))
        })
        .as_ref()
}

#[test]
fn un_qdi_325_is_first_for_its_name_variants() {
    let Some(index) = un_index() else { return };
    assert_eq!(index.len(), 1003);
    assert!(index.get("QDi.325").is_some(), "QDi.325 is listed");
    // This copy of the list gives QDi.325 no NAME_ORIGINAL_SCRIPT; the Arabic-script query is the name as an
    // Arabic-script passport's visual zone would give it.
    let queries = [
        "Abu Muhammad al-Adnani",
        "Abou Mohamed El Adnani",
        "AL-ADNANI, Abu Mohammad",
        "أبو محمد العدناني",
    ];
    for q in &queries {
        let results = index.screen(&person("q", &[q]), &ScreenOptions::default());
        assert!(!results.is_empty(), "{q}: no results");
        assert_eq!(
            results[0].id, "QDi.325",
            "{q}: first was {} {}",
            results[0].id, results[0].caption
        );
        assert!(results[0].is_match, "{q}: score {}", results[0].score);
        assert!(
            results[0].explanation.name.pairs.len() >= 2,
            "{q}: explanation lists the aligned parts"
        );
    }
}

#[test]
fn un_common_token_alone_is_not_a_match() {
    let Some(index) = un_index() else { return };
    for (schema, q) in [
        (Schema::Person, "Mohamed"),
        (Schema::Person, "Muhammad"),
        (Schema::Person, "Abdul"),
        (Schema::Organization, "CORP"),
        (Schema::Organization, "Trading LTD"),
        (Schema::Organization, "Company"),
    ] {
        let mut query = Entity::new("q", schema);
        query.names.push(Name::new(q, NameKind::Primary));
        let results = index.screen(&query, &ScreenOptions::default());
        assert!(
            results.iter().all(|r| !r.is_match),
            "{q} matched {:?}",
            results.first().map(|r| (&r.caption, r.score))
        );
    }
}

#[test]
fn document_number_is_decisive_and_birth_date_contradiction_lowers() {
    let mut listed = person("WL-1", &["Karim Fictiti Dawsari"]);
    listed
        .birth_dates
        .push(DateOfBirth::Exact("1980-05-02".parse().unwrap()));
    listed.gender = Some(Gender::Male);
    listed.documents.push(Document {
        kind: DocumentKind::Passport,
        number: "X1234567".into(),
        country: Country::from_code("ye"),
        note: None,
    });
    let index = index_of(vec![listed, person("WL-2", &["Someone Else Entirely"])]);
    let options = ScreenOptions::default();

    let plain = index.screen(&person("q", &["Karim Dawsari"]), &options);
    let mut same_dob = person("q", &["Karim Dawsari"]);
    same_dob
        .birth_dates
        .push(DateOfBirth::Exact("1980-05-02".parse().unwrap()));
    let mut other_dob = person("q", &["Karim Dawsari"]);
    other_dob
        .birth_dates
        .push(DateOfBirth::Exact("1961".parse().unwrap()));
    let with = index.screen(&same_dob, &options);
    let against = index.screen(&other_dob, &options);
    assert!(
        with[0].score > plain[0].score,
        "{} vs {}",
        with[0].score,
        plain[0].score
    );
    assert!(against.is_empty() || against[0].score < plain[0].score);

    let mut by_passport = person("q", &["K. D."]);
    by_passport.documents.push(Document {
        kind: DocumentKind::Passport,
        number: "x 123-4567".into(),
        country: None,
        note: None,
    });
    let found = index.screen(&by_passport, &options);
    assert_eq!(found[0].id, "WL-1");
    assert!(found[0].score >= interdict_screen::DOCUMENT_MATCH_SCORE);
    assert!(
        found[0]
            .explanation
            .evidence
            .iter()
            .any(|e| e.outcome == "decisive")
    );
}

#[test]
fn explanation_serialises_with_parts_and_evidence() {
    let mut listed = person("WL-9", &["ABOU MOHAMED AL ADNANI"]);
    listed.nationalities.push(Country::from_code("sy").unwrap());
    let index = index_of(vec![listed]);
    let mut q = person("q", &["Abu Muhammad al-Adnani"]);
    q.nationalities.push(Country::from_code("sy").unwrap());
    let r = &index.screen(&q, &ScreenOptions::default())[0];
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["match"], true);
    assert_eq!(json["id"], "WL-9");
    let pairs = json["explanation"]["name"]["pairs"].as_array().unwrap();
    assert!(pairs.iter().any(|p| p["query"] == "muhammad"
        && p["candidate"] == "mohamed"
        && p["method"] == "lexicon"));
    assert_eq!(json["explanation"]["evidence"][0]["kind"], "nationality");
}

#[test]
fn schemas_that_cannot_match_are_not_returned() {
    let mut org = Entity::new("ORG-1", Schema::Organization);
    org.names
        .push(Name::new("Al-Rimal Relief Foundation", NameKind::Primary));
    let index = index_of(vec![org]);
    let results = index.screen(
        &person("q", &["Al-Rimal Relief Foundation"]),
        &ScreenOptions::default(),
    );
    assert!(results.is_empty());
}

// Names for the property test: syllables combined into words, with particles, so that variants and typos occur.
fn word() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "ka", "ri", "mo", "ha", "med", "sa", "lim", "al", "ab", "du", "ya", "ser", "hus",
            "ein", "o", "u",
        ]),
        1..4,
    )
    .prop_map(|s| s.concat())
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => word(),
            1 => Just("al".to_string()),
            1 => Just("abu".to_string()),
            1 => Just("bin".to_string()),
            // Initials match words without a shared key.
            1 => prop::sample::select(vec!["k.", "m", "h.", "s"]).prop_map(str::to_string),
        ],
        1..5,
    )
    .prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// The index returns every entry that an exhaustive scan scores at or above the match threshold, with the
    /// same scores.
    #[test]
    fn index_finds_everything_a_scan_finds(
        listed in prop::collection::vec(prop::collection::vec(name(), 1..3), 1..40),
        queries in prop::collection::vec(name(), 1..8),
    ) {
        let entities: Vec<Entity> = listed
            .iter()
            .enumerate()
            .map(|(i, names)| person(&format!("E{i}"), &names.iter().map(String::as_str).collect::<Vec<_>>()))
            .collect();
        // With the default large-posting size (these lists have none), and with every posting of more than two
        // entries large, so that common words are reached through pair keys.
        // Typo probes compare each distinct part once in runs of two or more entries.
        let mut small = WatchlistIndexBuilder::new().large_posting(2).part_group_run(2);
        small.extend(entities.iter().cloned());
        let small = small.build();
        let index = index_of(entities);
        // At the match threshold, and at the default cutoff (results shown below the threshold are exact too).
        for (index, cutoff) in [(&index, 0.7), (&index, 0.5), (&small, 0.7), (&small, 0.5)] {
            let options = ScreenOptions { limit: usize::MAX, cutoff, threshold: 0.7 };
            for q in &queries {
                let query = person("q", &[q]);
                let scan = index.scan(&query, &options);
                let found = index.screen(&query, &options);
                for expected in &scan {
                    let got = found.iter().find(|r| r.id == expected.id);
                    prop_assert!(got.is_some(), "{q:?}: index missed {} ({}) scored {}", expected.id, expected.caption, expected.score);
                    prop_assert_eq!(got.unwrap().score, expected.score);
                }
                prop_assert_eq!(found.len(), scan.len());
            }
        }
    }
}

/// On the real UN list, with the treated positives (typos, reordered and partial names, birth dates and
/// nationalities), the index returns exactly what an exhaustive scan returns at the default cutoff.
#[test]
fn un_index_agrees_with_scan_on_treated_positives() {
    let Some(index) = un_index() else {
        eprintln!("skipped: ../shared/data/lists/un/UN_consolidated.xml not found");
        return;
    };
    let Some(path) =
        interdict_testdata::shared_data("eval/yente_candidate_generation/positives_un_treated.csv")
    else {
        eprintln!("skipped: ../shared/data/eval/yente_candidate_generation not found");
        return;
    };
    let text = std::fs::read_to_string(&path).expect("positives CSV reads");
    let options = ScreenOptions {
        limit: usize::MAX,
        ..ScreenOptions::default()
    };
    let mut compared = 0;
    let mut results = 0;
    for (i, line) in text.lines().skip(1).enumerate().take(400) {
        let row = csv_fields(line);
        let mut query = person(&format!("q{i}"), &[&row[0]]);
        if let Ok(d) = row[5].parse::<interdict_model::PartialDate>() {
            query.birth_dates.push(DateOfBirth::Exact(d));
        }
        if let Some(c) = Country::from_code(&row[7]) {
            query.nationalities.push(c);
        }
        let scan = index.scan(&query, &options);
        let found = index.screen(&query, &options);
        assert_eq!(ids(&found), ids(&scan), "query {:?}", &row[0]);
        // With the contract's five results, scoring stops early: the list must still be the scan's first five.
        let top = ScreenOptions::default();
        let scan_top = index.scan(&query, &top);
        assert_eq!(
            ids(&index.screen(&query, &top)),
            ids(&scan_top),
            "top five of {:?}",
            &row[0]
        );
        compared += 1;
        results += scan.len();
    }
    assert_eq!(compared, 400);
    assert!(
        results > 400,
        "the positives should find their entries ({results} results)"
    );
}

/// Result ids and scores, in order.
fn ids(results: &[interdict_screen::ScreenMatch]) -> Vec<(String, f64)> {
    results.iter().map(|m| (m.id.clone(), m.score)).collect()
}

/// The fields of one CSV line (double-quoted fields may hold commas; the positives have no line breaks or
/// escaped quotes inside fields).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().expect("one field").push(c),
        }
    }
    fields
}

/// A fictional family name of three syllables, distinct for each `i` below 512.
fn syllable_family(i: usize) -> String {
    let syllables = ["ka", "lo", "vi", "re", "tu", "so", "ne", "da"];
    [i % 8, i / 8 % 8, i / 64 % 8]
        .iter()
        .map(|&s| syllables[s])
        .collect()
}

/// Every listed "Mohammed" is spelled so, so `mhmd` is the lexicon group's dominant skeleton (a part of that
/// skeleton reads the skeleton's key and the group's empty residual key). A query spelling it "Mehmet" (skeleton
/// `mhmt`) still reaches those names through the group, also through pair keys of two common words.
#[test]
fn a_spelling_of_another_skeleton_still_reaches_a_group_read_through_its_skeleton() {
    const SECOND: [&str; 3] = ["Ali", "Omar", "Hassan"];
    let entities: Vec<Entity> = (0..240)
        .map(|i| {
            let text = format!("Mohammed {} {}", SECOND[i % 3], syllable_family(i));
            let mut e = Entity::new(format!("e{i}"), Schema::Person);
            e.names.push(Name::new(text, NameKind::Primary));
            e
        })
        .collect();
    let mut b = WatchlistIndexBuilder::new().large_posting(16);
    b.extend(entities);
    let index = b.build();
    let mut results = 0;
    for cutoff in [0.3, 0.4, 0.5] {
        let options = ScreenOptions {
            limit: usize::MAX,
            cutoff,
            ..ScreenOptions::default()
        };
        for text in [
            "Mehmet Ali Omar",
            "Mehmet Hassan",
            "Mehmet Omar Hassan Ali",
            "Mehmet Ali",
        ] {
            let mut q = Entity::new("q", Schema::Person);
            q.names.push(Name::new(text, NameKind::Primary));
            let scan = index.scan(&q, &options);
            results += scan.len();
            assert_eq!(
                ids(&index.screen(&q, &options)),
                ids(&scan),
                "{text} at {cutoff}"
            );
        }
    }
    assert!(results > 0);
}

/// A typo of a common word ("Gali", one edit from the 160 listed "Ali") shares a one-deletion key ("ali") with
/// every one of them. That block of the key is read as the common word's own text key, so the names are reached
/// through pair keys with the query's other common word ("Mohammed"), and from a cutoff of 0.5 the 80 sharing
/// nothing else with the query are not touched. Results stay the scan's.
#[test]
fn a_typo_of_a_common_word_does_not_touch_every_name_holding_it() {
    let entities: Vec<Entity> = (0..240)
        .map(|i| {
            let given = ["Ali", "Mohammed Ali", "Mohammed Omar"][i % 3];
            person(
                &format!("e{i}"),
                &[&format!("{given} {}", syllable_family(i))],
            )
        })
        .collect();
    // "Mohammed Ali", and a few names of a family like the query's.
    let reached_through_pairs = 82;
    let mut b = WatchlistIndexBuilder::new().large_posting(16);
    b.extend(entities);
    let index = b.build();
    let mut results = 0;
    for cutoff in [0.3, 0.5, 0.7] {
        let options = ScreenOptions {
            limit: usize::MAX,
            cutoff,
            ..ScreenOptions::default()
        };
        // With "Omar" common too, reading the "Ali" group costs less than the pair keys it would add, so
        // "Gali" reads it after all.
        for text in [
            "Mohammed Gali",
            "Mohammed Gali Kalovi",
            "Gali Kalore",
            "Mohammed Omar Gali",
        ] {
            let q = person("q", &[text]);
            let scan = index.scan(&q, &options);
            results += scan.len();
            let (found, stats) = index.screen_with_stats(&q, &options);
            assert_eq!(ids(&found), ids(&scan), "{text} at {cutoff}");
            assert!(
                cutoff < 0.5
                    || text.starts_with("Gali")
                    || text.contains("Omar")
                    || stats.names_touched <= reached_through_pairs,
                "{text} at {cutoff}: {} names touched",
                stats.names_touched
            );
        }
    }
    assert!(results > 0);
}

/// On a synthetic list where common given names fill long postings (made "large" at 64 entries, so that
/// names sharing only common words are reached through pair keys), the index returns exactly what a full scan
/// returns at the default cutoff, for queries drawn from the list with and without typos.
#[test]
fn synthetic_list_with_large_postings_agrees_with_scan() {
    let entities: Vec<Entity> = interdict_screen::synthetic::synthetic_entities(3000, 11).collect();
    let queries: Vec<Entity> = entities
        .iter()
        .step_by(10)
        .enumerate()
        .map(|(i, e)| {
            let mut text = e.names[0].text.clone();
            if i % 2 == 0 && text.len() > 8 {
                text.remove(text.len() - 3);
            }
            let mut q = Entity::new(format!("q{i}"), e.schema);
            q.names.push(Name::new(text, NameKind::Primary));
            q.birth_dates = e.birth_dates.clone();
            q
        })
        .collect();
    let mut b = WatchlistIndexBuilder::new()
        .large_posting(64)
        .part_group_run(4);
    b.extend(entities);
    let index = b.build();
    let options = ScreenOptions {
        limit: usize::MAX,
        ..ScreenOptions::default()
    };
    let mut results = 0;
    for q in &queries {
        let scan = index.scan(q, &options);
        let found = index.screen(q, &options);
        assert_eq!(ids(&found), ids(&scan), "query {:?}", q.names[0].text);
        let top = ScreenOptions::default();
        let scan_top = index.scan(q, &top);
        assert_eq!(
            ids(&index.screen(q, &top)),
            ids(&scan_top),
            "top five of {:?}",
            q.names[0].text
        );
        results += scan.len();
    }
    assert!(
        results >= queries.len(),
        "queries should find their entries ({results} results)"
    );
}

/// Entities are found by id; of duplicate ids the first added wins; unknown ids are absent.
#[test]
fn entities_are_found_by_id() {
    let mut first = person("B", &["Karim Saleh"]);
    first.nationalities.push(Country::from_code("iq").unwrap());
    let index = index_of(vec![
        first,
        person("A", &["Omar Haddad"]),
        person("B", &["Another Name"]),
    ]);
    assert_eq!(index.get("A").unwrap().names[0].text, "Omar Haddad");
    let b = index.get("B").unwrap();
    assert_eq!(b.names[0].text, "Karim Saleh");
    assert!(index.get("C").is_none());
    assert!(index.get("").is_none());
}

/// A query with equal parts ("Marek Marek") counts each of them only where the candidate has a part for it: one
/// matched by a part alone, the other by two adjacent parts joined ("Mar Ek"). Bounding them too low would drop
/// the entries whose equal parts do all match; the index must agree with a scan.
#[test]
fn equal_query_parts_count_once_per_candidate_part() {
    let index = index_of(vec![
        person("both-joined", &["Mar Ek Marek"]),
        person("both-apart", &["Marek Marek Oswy"]),
        person("both-in-one-part", &["Marekmarek Tallis"]),
        person("one", &["Marek Tallis"]),
        person("other", &["Orla Tallis"]),
    ]);
    let options = ScreenOptions {
        limit: 10,
        ..ScreenOptions::default()
    };
    for text in ["Marek Marek", "Marek Marek Tallis", "Marek Marek Oswy"] {
        let mut query = Entity::new("q", Schema::Person);
        query.names.push(Name::new(text, NameKind::Primary));
        let found = index.screen(&query, &options);
        assert_eq!(ids(&found), ids(&index.scan(&query, &options)), "{text}");
        if text == "Marek Marek" {
            let joined = found.iter().find(|m| m.id == "both-joined");
            assert!(joined.is_some_and(|m| m.score >= 0.7), "{found:?}");
        }
        if text == "Marek Marek Tallis" {
            // The query's two equal parts joined match one candidate part: both count.
            let in_one = found.iter().find(|m| m.id == "both-in-one-part");
            assert!(in_one.is_some_and(|m| m.score >= 0.7), "{found:?}");
        }
    }
}

/// Equal query parts ("Marek Marek") of a common word whose bits are set by comparing it with the few names
/// other parts found (cheaper than reading its long posting) are limited to the parts those comparisons found:
/// the name with both parts is found with its full score, and the result is the scan's.
#[test]
fn equal_parts_compared_directly_keep_what_they_found() {
    // 676 fictional "Marek <family>" names make "Marek" common; two names share the rare family name.
    let letters = b"abcdefghijklmnopqrstuvwxyz";
    let mut entities: Vec<Entity> = (0..676)
        .map(|i| {
            let family = format!(
                "Vo{}{}ler",
                letters[i / 26] as char,
                letters[i % 26] as char
            );
            person(&format!("common-{i}"), &[&format!("Marek {family}")])
        })
        .collect();
    entities.push(person("both", &["Marek Marek Quillfeather"]));
    entities.push(person("one", &["Marek Quillfeather"]));
    let index = index_of(entities);
    let options = ScreenOptions {
        limit: usize::MAX,
        ..ScreenOptions::default()
    };
    let mut query = Entity::new("q", Schema::Person);
    query
        .names
        .push(Name::new("Marek Marek Quillfeather", NameKind::Primary));
    let found = index.screen(&query, &options);
    assert_eq!(ids(&found), ids(&index.scan(&query, &options)));
    assert_eq!(found.first().map(|m| m.id.as_str()), Some("both"));
    assert!(found[0].score >= 0.95, "{found:?}");
}

/// A name written as one word against the same name written as two (and a spelling of it), both ways round, is
/// found at exactly its scan score, with the cutoff just below that score: the bound of a hit through joined
/// parts (0.95 for equal joined texts, 0.88 for equal joined skeletons) must never fall below the similarity
/// the alignment gives, also for short parts whose typo cap is below 0.88.
#[test]
fn joined_parts_are_found_at_their_exact_score() {
    let entities = vec![
        person("J1", &["Abdul Rahman Khalil"]),
        person("J2", &["Abdulrahman Khalil"]),
        person("J3", &["Abdel Rahmen Khalil"]),
        person("J4", &["Ora Lu Fenwick"]),
        person("J5", &["Oralu Fenwick"]),
        person("J6", &["Ore Lo Fenwick"]),
        person("J7", &["Tor Vik Hansen"]),
        person("J8", &["Torvik Hansen"]),
        person("J9", &["Maria Keawi"]),
        person("J10", &["Nur Din Tamsin"]),
        person("J11", &["Marielouise Dupont"]),
        person("J12", &["Marielowise Dupont"]),
        person("J13", &["Jeanmarie Dupont"]),
        person("J14", &["Jeanmari Dupont"]),
    ];
    let index = index_of(entities);
    let queries = [
        "Abdulrahman Khalil",
        "Abdul Rahman Khalil",
        "Abdulrahmen Khalil",
        "Oralu Fenwick",
        "Ora Lu Fenwick",
        "Orlu Fenwick",
        "Torvik Hansen",
        "Tor Vik Hansen",
        "Marek",
        "Nurdin Tamsin",
        "Nuredin Tamsin",
        "Marie Louise Dupont",
        "Jean Marie Dupont",
    ];
    let mut checked = 0;
    for q in queries {
        let query = person("q", &[q]);
        let all = ScreenOptions {
            limit: usize::MAX,
            cutoff: 0.05,
            threshold: 0.7,
        };
        for r in index.scan(&query, &all) {
            // Scores are rounded to three decimals: just below the rounded score keeps the result in the scan.
            let options = ScreenOptions {
                cutoff: r.score - 0.0005,
                ..all
            };
            let scan = index.scan(&query, &options);
            assert!(scan.iter().any(|s| s.id == r.id));
            assert_eq!(
                ids(&index.screen(&query, &options)),
                ids(&scan),
                "{q:?} at cutoff {} ({} scores {})",
                options.cutoff,
                r.caption,
                r.score
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} results checked");
}
