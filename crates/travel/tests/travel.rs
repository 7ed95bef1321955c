//! Integration tests of interdict-travel: the real samples in ../shared/data/travel (skipped with a printed
//! reason when absent), the committed fictional fixtures in samples/travel, MRZ specimens, screening.

use interdict_travel::{
    SensitiveDataFilter, TravelFile, TravelMessage, Traveller, check_mrz, mrz::split_zones,
    read_travel_file,
};
use std::path::PathBuf;

const TODAY: (i32, u32, u32) = (2026, 11, 29);

fn shared(rel: &str) -> Option<TravelFile> {
    let p = interdict_testdata::shared_data(&format!("travel/{rel}"))?;
    Some(read_travel_file(
        &std::fs::read(p).unwrap(),
        &SensitiveDataFilter::default(),
        TODAY,
    ))
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../samples/travel")
}

fn travellers(f: &TravelFile) -> Vec<&Traveller> {
    f.messages
        .iter()
        .flat_map(|m| m.message.travellers())
        .collect()
}

#[test]
fn dump_shared_samples() {
    let Some(root) = interdict_testdata::shared_data("travel") else {
        return;
    };
    for dir in ["paxlst", "iapi", "pnrgov"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        files.sort();
        for f in files {
            let file = read_travel_file(
                &std::fs::read(&f).unwrap(),
                &SensitiveDataFilter::default(),
                TODAY,
            );
            assert!(!file.messages.is_empty(), "{}: no message", f.display());
            for m in &file.messages {
                println!("== {} {}", f.display(), m.message.message_type());
                for t in m.message.travellers() {
                    println!(
                        "   {} | {} | {:?} | {:?} | {:?} | {:?}",
                        t.surname,
                        t.given_names,
                        t.birth_date,
                        t.nationality,
                        t.document_number,
                        t.booking_reference
                    );
                }
                for w in &m.warnings {
                    println!("   ! {w}");
                }
            }
        }
    }
}

#[test]
fn paxlst_samples_read_travellers_and_flights() {
    // (file, travellers, first surname, first given names, first birth date, first document, flight number)
    type Case<'a> = (
        &'a str,
        usize,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        &'a str,
    );
    let cases: &[Case<'_>] = &[
        (
            "paxlst/gtas_apisMessage_D05B_multileg.edi",
            2,
            "CLARK",
            "MICHAEL",
            "1972-09-07",
            None,
            "AA124",
        ),
        (
            "paxlst/gtas_multiple_flight_leg_D05B.edi",
            2,
            "BARRETT",
            "TODD",
            "1968-02-23",
            Some("YY3478621G"),
            "QQ827",
        ),
        (
            "paxlst/gtas_airline2_D02B_custom_UNA.edi",
            10,
            "BETTON",
            "DAVID",
            "1954-10-16",
            Some("178556534"),
            "TN506",
        ),
        (
            "paxlst/gtas_Test1_D02B_crew_singleline.edi",
            8,
            "Steur",
            "Andrea Pat",
            "1978-07-06",
            Some("123456789"),
            "UA0989",
        ),
        (
            "paxlst/sita_uae_gateway_D05B_singleline.edi",
            1,
            "WILLIAMS",
            "JOHN DONALD",
            "2001-05-10",
            Some("784200915487611"),
            "EY0256",
        ),
        (
            "paxlst/smooks_d03b_release_chars.edi",
            1,
            "AOMAD",
            "CHRIS",
            "1935-09-19",
            Some("P100971204141"),
            "",
        ),
        (
            "iapi/astra_iapi_china_request_paxlst.edi",
            2,
            "ONE",
            "TWO WI",
            "1956-06-20",
            Some("E6397444822"),
            "CA339",
        ),
    ];
    for (file, n, surname, given, born, doc, flight) in cases {
        let Some(f) = shared(file) else { return };
        let ts = travellers(&f);
        assert_eq!(ts.len(), *n, "{file}");
        assert_eq!(ts[0].surname, *surname, "{file}");
        assert_eq!(ts[0].given_names, *given, "{file}");
        assert_eq!(ts[0].birth_date.as_deref(), Some(*born), "{file}");
        assert_eq!(ts[0].document_number.as_deref(), *doc, "{file}");
        let flight_number = f.messages[0].message.flight().number.unwrap_or_default();
        assert_eq!(flight_number, *flight, "{file}");
    }
}

#[test]
fn pnrgov_samples_list_each_person_once() {
    // (file, expected "SURNAME/GIVEN" travellers in order)
    let cases: &[(&str, &[&str])] = &[
        (
            "pnrgov/gtas_pnrMessage_v10_singleline.edi",
            &["SMITHJR/JONATHON ROBERT", "JONES/WILLIAMNEVELL"],
        ),
        (
            "pnrgov/gtas_2_pnrs_basic_v10.edi",
            &[
                "SMITHJR/MRJONATHON ROBERT",
                "JONES/WILLIAMNEVELL",
                "WAYNE/JOHNALVA",
                "COOPER/GARYWILLIAM",
            ],
        ),
        // KIM's TIF is merged into the ORG segment before it in the source (`...+9TIF+KIM`): recovered, warned.
        (
            "pnrgov/gtas_pnrMessagePg75_v11.edi",
            &["PARK/SE JOON", "KIM/KONG CHUN"],
        ),
        (
            "pnrgov/gtas_pnrMessagePg76_v11.edi",
            &["DORON/NINA", "LENDROT/CHARLOTTE"],
        ),
        (
            "pnrgov/gtas_pnrMessagePg77_v11.edi",
            &["VANDENBERG/KEVIN MICHAEL"],
        ),
        (
            "pnrgov/gtas_pnrWithDoco_v13.edi",
            &["ACKARY/CHARLES MUHAMMAD"],
        ),
        (
            "pnrgov/gtas_danglingMetaCharacter_custom_UNA_v13.edi",
            &["SERIO/REUBEN JOAQUIN"],
        ),
        ("pnrgov/gtas_pnrEdge_release_char_v13.edi", &["LOBB/MOLLY"]),
        (
            "pnrgov/gtas_pnrBadFormat_NEGATIVE.edi",
            &["DORON/NINA", "LENDROT/CHARLOTTE"],
        ),
    ];
    for (file, want) in cases {
        let Some(f) = shared(file) else { return };
        let got: Vec<String> = travellers(&f)
            .iter()
            .map(|t| format!("{}/{}", t.surname, t.given_names))
            .collect();
        assert_eq!(got, *want, "{file}");
    }
    let Some(f) = shared("pnrgov/gtas_pnrMessage_v10_singleline.edi") else {
        return;
    };
    let t = travellers(&f)[0];
    assert_eq!(t.birth_date.as_deref(), Some("1964-07-12"));
    assert_eq!(t.document_number.as_deref(), Some("123456789"));
    let Some(f) = shared("pnrgov/gtas_pnrWithDoco_v13.edi") else {
        return;
    };
    let t = travellers(&f)[0];
    assert_eq!(
        t.document_number.as_deref(),
        Some("602120901"),
        "passport, not the DOCO visa"
    );
    assert!(t.documents.iter().any(|d| d.number == "8675309"));
    let Some(f) = shared("pnrgov/gtas_pnrMessagePg75_v11.edi") else {
        return;
    };
    let TravelMessage::Pnrgov(m) = &f.messages[0].message else {
        panic!()
    };
    assert_eq!(
        m.bookings[0].itinerary[0].operating_carrier.as_deref(),
        Some("SQ"),
        "codeshare KE:SQ"
    );
}

#[test]
fn two_digit_docs_years_pivot_on_the_message_date() {
    // UNB date 101209: a 2010 message. WAYNE's DOCS birth date 12JUL12 cannot be 2012 (after the message), so it
    // is 1912 and reported as implausible; expiry dates may lie up to 20 years ahead (23AUG15 is 2015).
    let Some(f) = shared("pnrgov/gtas_2_pnrs_basic_v10.edi") else {
        return;
    };
    assert_eq!(f.messages[0].reference_date, (2010, 12, 9));
    let all = travellers(&f);
    let wayne = all.iter().find(|t| t.surname == "WAYNE").unwrap();
    assert_eq!(wayne.birth_date.as_deref(), Some("1912-07-12"));
    let passport = wayne.documents.iter().find(|d| d.number == "123456789");
    assert_eq!(
        passport.and_then(|d| d.expiry_date.as_deref()),
        Some("2015-08-23")
    );
    let smith = all.iter().find(|t| t.surname == "SMITHJR").unwrap();
    assert_eq!(smith.birth_date.as_deref(), Some("1964-07-12"));
    assert_eq!(
        smith.documents[0].expiry_date.as_deref(),
        Some("2019-08-23")
    );
    let warned: Vec<&str> = f
        .messages
        .iter()
        .flat_map(|m| &m.warnings)
        .filter(|w| w.code == "implausible_birth_date")
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        warned
            .iter()
            .any(|m| m.contains("12JUL12") && m.contains("1912-07-12")),
        "{warned:?}"
    );
}

#[test]
fn sensitive_meal_codes_are_dropped_and_counted() {
    let Some(f) = shared("pnrgov/gtas_2_pnrs_basic_v10.edi") else {
        return;
    };
    let TravelMessage::Pnrgov(m) = &f.messages[0].message else {
        panic!()
    };
    assert!(m.sensitive_dropped.total >= 1);
    let json = serde_json::to_string(m).unwrap();
    assert!(!json.contains("AVML"), "dropped content must not be stored");
}

#[test]
fn mrz_specimens_validate_and_negatives_name_the_field() {
    let Some(p) = interdict_testdata::shared_data("travel/mrz/icao9303_specimens.txt") else {
        return;
    };
    let text = std::fs::read_to_string(p).unwrap();
    let zones = split_zones(&text);
    assert_eq!(zones.len(), 9);
    let results: Vec<_> = zones.iter().map(|z| check_mrz(z, TODAY)).collect();
    let formats: Vec<&str> = results
        .iter()
        .map(|r| r.format.map(|f| f.as_str()).unwrap_or("-"))
        .collect();
    assert_eq!(
        formats,
        [
            "TD3", "TD3", "TD2", "TD1", "MRVA", "MRVB", "TD3", "TD3", "-"
        ]
    );
    for r in &results[..6] {
        assert!(r.valid, "{:?}", r.errors);
        assert_eq!(r.fields.surname, "ERIKSSON");
        assert_eq!(r.fields.given_names, "ANNA MARIA");
    }
    let fields = |i: usize| {
        results[i]
            .errors
            .iter()
            .map(|e| e.field.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(fields(6), ["document_number", "composite"]);
    assert_eq!(fields(7), ["birth_date", "composite"]);
    assert_eq!(fields(8), ["format"]);
}

#[test]
fn fictional_fixtures_parse_cleanly() {
    let dir = fixture_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let edi: Vec<_> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "edi"))
        .collect();
    assert!(edi.len() >= 6, "fixtures in {}", dir.display());
    for p in edi {
        let f = read_travel_file(
            &std::fs::read(p).unwrap(),
            &SensitiveDataFilter::default(),
            TODAY,
        );
        assert!(!f.messages.is_empty(), "{}", p.display());
        let name = p.file_name().unwrap().to_string_lossy();
        if name.contains("defect") {
            assert!(!f.messages[0].warnings.is_empty(), "{name} must warn");
        } else {
            assert!(
                f.messages.iter().all(|m| m.warnings.is_empty()) && f.warnings.is_empty(),
                "{name}: {:?} {:?}",
                f.messages.iter().map(|m| &m.warnings).collect::<Vec<_>>(),
                f.warnings
            );
        }
    }
}

fn fixture(name: &str) -> TravelFile {
    let bytes = std::fs::read(fixture_dir().join(name)).unwrap();
    read_travel_file(&bytes, &SensitiveDataFilter::default(), TODAY)
}

#[test]
fn fictional_mrz_cross_checks_against_messages() {
    let text = std::fs::read_to_string(fixture_dir().join("mrz_fictional.txt")).unwrap();
    let zones = split_zones(&text);
    let checks: Vec<_> = zones.iter().map(|z| check_mrz(z, TODAY)).collect();
    assert_eq!(
        checks.iter().map(|c| c.valid).collect::<Vec<_>>(),
        [true, true, false]
    );
    assert_eq!(checks[2].errors[0].field.as_str(), "document_number");
    let pax = fixture("paxlst_d05b_passengers.edi");
    let orla = pax.messages[0].message.travellers()[0].clone();
    assert!(interdict_travel::cross_check(&checks[0].fields, &orla).is_empty());
    let mut altered = orla.clone();
    altered.birth_date = Some("1988-03-15".into());
    let m = interdict_travel::cross_check(&checks[0].fields, &altered);
    assert_eq!(
        m.iter().map(|x| x.field).collect::<Vec<_>>(),
        ["birth_date"]
    );
    let milena = fixture("pnrgov_v13_two_bookings.edi").messages[0]
        .message
        .travellers()[2]
        .clone();
    assert!(
        interdict_travel::cross_check(&checks[1].fields, &milena).is_empty(),
        "PNR DOCS agrees with the TD1"
    );
}

#[test]
fn pnrgov_fixture_reads_every_group() {
    let f = fixture("pnrgov_v13_two_bookings.edi");
    let TravelMessage::Pnrgov(m) = &f.messages[0].message else {
        panic!()
    };
    let names: Vec<String> = m
        .travellers
        .iter()
        .map(|t| format!("{}/{}", t.surname, t.given_names))
        .collect();
    assert_eq!(
        names,
        [
            "QUILLFEATHER/ORLA BEATRIX",
            "VANTERPOOL/DIRK",
            "OSTROVSKA/MILENA"
        ],
        "history TIF not added"
    );
    let orla = &m.travellers[0];
    assert_eq!(
        orla.document_number.as_deref(),
        Some("NQ4R71K2P"),
        "passport, not the DOCO visa"
    );
    assert_eq!(orla.seats, ["12A"]);
    assert_eq!(orla.bag_tags, ["9990012345601"]);
    assert!(
        orla.contacts
            .iter()
            .any(|c| c.value == "ORLA_Q@EXAMPLE.INVALID")
    );
    let b = &m.bookings[0];
    assert_eq!(b.itinerary.len(), 2);
    assert_eq!(b.itinerary[0].operating_carrier.as_deref(), Some("XQ"));
    assert_eq!(
        b.agency.as_ref().unwrap().iata_number.as_deref(),
        Some("99887766")
    );
    assert_eq!(
        m.sensitive_dropped.total, 3,
        "MOML, WCHR and the KSML remark"
    );
    let json = serde_json::to_string(m).unwrap();
    for code in ["MOML", "WCHR", "KSML"] {
        assert!(!json.contains(code), "{code} must not be stored");
    }
}

#[test]
fn travellers_are_screened_against_lists_documents_and_rules() {
    use interdict_screen::{ScreenOptions, WatchlistIndexBuilder};
    use interdict_travel::{HitType, LostStolenList, RuleSet, TravellerScreener};
    let import = interdict_lists::read_list_file(&fixture_dir().join("ftf_watchlist.csv")).unwrap();
    let mut builder = WatchlistIndexBuilder::new();
    builder.extend(import.entities);
    let index = std::sync::Arc::new(builder.build());
    let lost = LostStolenList::from_csv(
        std::fs::File::open(fixture_dir().join("lost_stolen_documents.csv")).unwrap(),
        "lost.csv",
    )
    .unwrap();
    let rules_text = std::fs::read_to_string(fixture_dir().join("targeting_rules.toml")).unwrap();
    let rules = RuleSet::from_toml(&rules_text, &SensitiveDataFilter::default()).unwrap();
    let screener = TravellerScreener::new(index, lost, rules, ScreenOptions::default());

    let f = fixture("pnrgov_v13_two_bookings.edi");
    let s = screener.screen_message(&f.messages[0]);
    let types = |i: usize| s.travellers[i].hit_types();
    assert!(
        types(1).contains(&HitType::WatchlistMatch),
        "{:?}",
        s.travellers[1].hits
    );
    assert_eq!(s.travellers[1].hits[0].reference, "FTF-0001");
    assert!(
        types(0).contains(&HitType::TargetingRule),
        "co-traveller of a hit: {:?}",
        s.travellers[0].hits
    );
    assert!(
        s.travellers[0]
            .hits
            .iter()
            .any(|h| h.reference == "TR-002 v1")
    );
    assert!(types(2).contains(&HitType::LostStolenDocument));

    let pax = fixture("paxlst_d05b_passengers.edi");
    let s = screener.screen_message(&pax.messages[0]);
    assert_eq!(
        s.travellers[0].hit_types(),
        [HitType::TargetingRule],
        "same booking as a hit"
    );
    assert_eq!(
        s.travellers[2].hit_types(),
        [HitType::LostStolenDocument],
        "identity card listed"
    );
    assert_eq!(s.travellers[1].hits[0].hit_type, HitType::WatchlistMatch);
    let policy = interdict_travel::IapiPolicy::default();
    assert_eq!(
        policy.decide(&s.travellers[1].hit_types()),
        interdict_travel::BoardingAction::ContactAuthority
    );
}

#[test]
fn pnrgov_xml_sample_reads_into_the_pnr_model() {
    // The real fragment: a PNR in a non-standard <DaneXML> root, names from Passenger, documents and birth dates
    // only in the flight's SSR DOCS free text (matched to passengers by RPH), a CHLD and a SEAT SSR.
    let Some(p) =
        interdict_testdata::shared_data("travel/pnrgov_xml/saberls_test_pnr_fragment.xml")
    else {
        return;
    };
    let f = read_travel_file(
        &std::fs::read(p).unwrap(),
        &SensitiveDataFilter::default(),
        TODAY,
    );
    assert_eq!(f.messages.len(), 1);
    let m = &f.messages[0];
    assert_eq!(m.reference_date, (2024, 1, 1), "PNR_TransDate");
    let TravelMessage::Pnrgov(p) = &m.message else {
        panic!("PNRGOV expected")
    };
    assert_eq!(p.bookings.len(), 1);
    assert_eq!(p.bookings[0].record_locator, "00A234B");
    assert_eq!(p.bookings[0].travellers, [0, 1, 2]);
    let got: Vec<String> = p
        .travellers
        .iter()
        .map(|t| {
            format!(
                "{}/{}|{}|{}|{}|{}",
                t.surname,
                t.given_names,
                t.birth_date.as_deref().unwrap_or("-"),
                t.nationality.as_deref().unwrap_or("-"),
                t.document_number.as_deref().unwrap_or("-"),
                t.travel_document()
                    .and_then(|d| d.expiry_date.as_deref())
                    .unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "KOWALSKA/ANNA|2002-12-30|POL|BA5345321|2027-08-30",
            "KOWALSKI/ADAM|2022-12-30|POL|ZC9038023|2026-02-11",
            "KOWALSKI/JAN|2002-12-30|POL|AB1324659|2025-11-21",
        ]
    );
    assert_eq!(p.travellers[0].gender.as_deref(), Some("F"));
    assert_eq!(p.flight.departure_airport.as_deref(), Some("LHR"));
    assert_eq!(p.flight.arrival_airport.as_deref(), Some("WAW"));
    assert_eq!(p.flight.departure_time.as_deref(), Some("2024-01-01T10:15"));
    assert_eq!(p.flight.carrier.as_deref(), Some("ENT"));
    assert_eq!(p.flight.number.as_deref(), Some("1234"));
    // The known defect of SOURCE.md: not a complete IATA_PNRGOV_NotifRQ.
    let w = m
        .warnings
        .iter()
        .find(|w| w.code == "not_pnrgov_notification")
        .expect("non-standard root reported");
    assert_eq!((w.line, w.column), (1, 1));
    assert!(w.message.contains("DaneXML"), "{}", w.message);
}

#[test]
fn pnrgov_xml_fixture_reads_every_part() {
    let f = fixture("pnrgov_xml_notification.xml");
    let m = &f.messages[0];
    assert_eq!(m.reference_date, (2026, 2, 28));
    let TravelMessage::Pnrgov(p) = &m.message else {
        panic!("PNRGOV expected")
    };
    assert_eq!(p.reference, "ZZ441-0301");
    assert_eq!(p.version, "13.1");
    let names: Vec<String> = p
        .travellers
        .iter()
        .map(|t| format!("{}/{}", t.surname, t.given_names))
        .collect();
    assert_eq!(
        names,
        [
            "QUILLFEATHER/ORLA TAMSIN",
            "QUILLFEATHER/BRIX",
            "OSTROVSKA/MAREK ANSELM"
        ]
    );
    let orla = &p.travellers[0];
    assert_eq!(orla.birth_date.as_deref(), Some("1984-05-17"));
    assert_eq!(
        orla.document_number.as_deref(),
        Some("ZX4410001"),
        "passport, not the visa"
    );
    assert!(
        orla.documents
            .iter()
            .any(|d| d.number == "VZ99120" && d.issue_date.as_deref() == Some("2026-01-12"))
    );
    assert_eq!(orla.seats, ["14C"]);
    let brix = &p.travellers[1];
    assert_eq!(brix.role, interdict_travel::TravellerRole::Other, "infant");
    assert_eq!(brix.birth_date.as_deref(), Some("2025-09-03"));
    let marek = &p.travellers[2];
    assert_eq!(
        marek.document_number.as_deref(),
        Some("PL7730415"),
        "cancelled DOCS ignored"
    );
    assert_eq!(marek.birth_date.as_deref(), Some("1979-10-21"));
    let b = &p.bookings[0];
    assert_eq!(b.record_locator, "QX7K2M");
    assert_eq!(b.other_locators, ["1A:8HQ2PL"]);
    assert_eq!(b.created.as_deref(), Some("2026-02-10T09:30"));
    assert_eq!(b.itinerary[0].operating_carrier.as_deref(), Some("YY"));
    assert_eq!(b.remarks, ["GROUP OF TWO TRAVELLING TOGETHER"]);
    assert_eq!(p.flight.legs.len(), 1, "the FlightLeg of the notification");
    assert_eq!(p.flight.number.as_deref(), Some("441"));
    // The special meal and the wheelchair remark are dropped and only counted.
    let json = serde_json::to_string(&p).unwrap();
    assert!(!json.contains("MOML") && !json.contains("WCHR"), "{json}");
    assert_eq!(
        serde_json::to_value(&p.sensitive_dropped).unwrap(),
        serde_json::json!({"total": 2, "by_category": {"health": 1, "religion": 1}})
    );
    let codes: Vec<&str> = m.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["count_mismatch", "unknown_traveller_reference"]);
    assert!(m.warnings.iter().all(|w| w.line > 1 && w.tag.is_some()));
}
