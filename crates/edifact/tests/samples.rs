//! The real carrier samples in ../shared/data/travel: each parses, and each known defect listed in its SOURCE.md
//! is reported as a diagnostic with its position.

use interdict_edifact::{DiagnosticKind, ParsedEdifact, parse};

fn load(rel: &str) -> Option<ParsedEdifact> {
    let path = interdict_testdata::shared_data(&format!("travel/{rel}"))?;
    let bytes = std::fs::read(&path).expect("readable sample");
    Some(parse(&bytes))
}

fn has(p: &ParsedEdifact, kind: DiagnosticKind, needle: &str) -> bool {
    p.diagnostics
        .iter()
        .any(|d| d.kind == kind && d.message.contains(needle) && d.position.line > 0)
}

#[test]
fn dump_all_samples() {
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
            let p = parse(&std::fs::read(&f).unwrap());
            println!(
                "== {} : {} segments, {} messages",
                f.display(),
                p.segments.len(),
                p.envelope.messages.len()
            );
            for d in &p.diagnostics {
                println!("   {d} [{:?}]", d.kind);
            }
            assert!(!p.segments.is_empty());
        }
    }
}

/// (file, diagnostic kind, text the message must contain): the known defects of SOURCE.md.
const KNOWN_DEFECTS: &[(&str, DiagnosticKind, &str)] = &[
    (
        "paxlst/gtas_apisMessage_D05B_multileg.edi",
        DiagnosticKind::WhitespaceBeforeTag,
        "start with spaces",
    ),
    (
        "paxlst/gtas_multiple_flight_leg_D05B.edi",
        DiagnosticKind::DataAfterInterchange,
        "13Nov09",
    ),
    (
        "paxlst/gtas_airline2_D02B_custom_UNA.edi",
        DiagnosticKind::InvalidTag,
        "UNG ",
    ),
    (
        "paxlst/gtas_airline2_D02B_custom_UNA.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 121 segments",
    ),
    (
        "paxlst/gtas_Test1_D02B_crew_singleline.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 152 segments but message 1402010600 has 107",
    ),
    (
        "paxlst/sita_uae_gateway_D05B_singleline.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 36 segments but message MSG110660 has 28",
    ),
    (
        "paxlst/typeb_wrapped_custom_UNA_FRAGMENT.txt",
        DiagnosticKind::TypeBEnvelope,
        "SOH QK LONPPXS",
    ),
    (
        "paxlst/typeb_wrapped_custom_UNA_FRAGMENT.txt",
        DiagnosticKind::MissingTrailer,
        "no UNT",
    ),
    (
        "iapi/astra_cusres_unsolicited_132_and_ack_312.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 12 segments but message 11085B94E1F8FA has 23",
    ),
    (
        "pnrgov/gtas_pnrMessagePg75_v11.edi",
        DiagnosticKind::TerminatorLookalike,
        "U+2019",
    ),
    (
        "pnrgov/gtas_pnrMessagePg75_v11.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 336",
    ),
    (
        "pnrgov/gtas_pnrMessagePg76_v11.edi",
        DiagnosticKind::MissingTerminator,
        "end of the input",
    ),
    (
        "pnrgov/gtas_pnrMessagePg76_v11.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 173 segments but message 00102181551362 has 24",
    ),
    (
        "pnrgov/gtas_pnrMessagePg77_v11.edi",
        DiagnosticKind::WrappedLine,
        "continues on line",
    ),
    (
        "pnrgov/gtas_pnrMessagePg77_v11.edi",
        DiagnosticKind::MissingTerminator,
        "end of the input",
    ),
    (
        "pnrgov/gtas_pnrMessagePg77_v11.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 173 segments but message 00102181551362 has 50",
    ),
    (
        "pnrgov/gtas_pnrMessage_v10_singleline.edi",
        DiagnosticKind::WhitespaceBeforeTag,
        "start with spaces",
    ),
    (
        "pnrgov/gtas_pnrMessage_v10_singleline.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 135 segments but message 1 has 86",
    ),
    (
        "pnrgov/gtas_2_pnrs_basic_v10.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 135 segments but message 1 has 134",
    ),
    (
        "pnrgov/gtas_2_pnrs_basic_v10.edi",
        DiagnosticKind::WrappedLine,
        "continues on line",
    ),
    (
        "pnrgov/gtas_pnrWithDoco_v13.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 48 segments but message 1 has 49",
    ),
    (
        "pnrgov/gtas_danglingMetaCharacter_custom_UNA_v13.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 34 segments but message 1 has 55",
    ),
    (
        "pnrgov/gtas_pnrEdge_release_char_v13.edi",
        DiagnosticKind::CountMismatch,
        "UNT declares 50 segments but message 1 has 13",
    ),
    (
        "pnrgov/gtas_pnrBadFormat_NEGATIVE.edi",
        DiagnosticKind::DataAfterInterchange,
        "Modify above",
    ),
];

#[test]
fn known_defects_are_reported_with_positions() {
    for (file, kind, needle) in KNOWN_DEFECTS {
        let Some(p) = load(file) else { return };
        assert!(
            has(&p, *kind, needle),
            "{file}: expected {kind:?} containing {needle:?}; got {:#?}",
            p.diagnostics
        );
    }
}

#[test]
fn custom_service_strings_and_release_characters_resolve() {
    let Some(p) = load("paxlst/gtas_airline2_D02B_custom_UNA.edi") else {
        return;
    };
    assert_eq!(p.service_chars.terminator, b'$');
    assert!(
        p.segments
            .iter()
            .any(|s| s.tag() == "NAD" && s.text(3, 0) == "BETTON")
    );
    let Some(p) = load("paxlst/smooks_d03b_release_chars.edi") else {
        return;
    };
    let nad = p.segments.iter().find(|s| s.tag() == "NAD").unwrap();
    assert_eq!(nad.text(4, 0), "11107 SUNSET HILL'S ROAD");
    let ung = p.segments.iter().find(|s| s.tag() == "UNG").unwrap();
    assert_eq!(ung.text(2, 0), "CBP-A+CE-TEST");
    let att = p.segments.iter().find(|s| s.tag() == "ATT").unwrap();
    assert_eq!(att.repetitions(2), 5);
    let Some(p) = load("pnrgov/gtas_pnrEdge_release_char_v13.edi") else {
        return;
    };
    let ift = p.segments.iter().find(|s| s.tag() == "IFT").unwrap();
    assert_eq!(ift.text(1, 0), "CTCE MOLLY..LOUUNT+50BB//GMAIL.COM");
    let Some(p) = load("pnrgov/gtas_pnrMessagePg75_v11.edi") else {
        return;
    };
    assert_eq!(p.service_chars.release, Some(b'\\'));
    let Some(p) = load("pnrgov/gtas_danglingMetaCharacter_custom_UNA_v13.edi") else {
        return;
    };
    assert!(
        p.segments
            .iter()
            .any(|s| s.tag() == "IFT" && s.text(1, 0) == "CTCE REUBEN..SERIO//GMAIL.COM")
    );
}

#[test]
fn wrapped_lines_are_joined_and_lookalike_terminators_split() {
    let Some(p) = load("pnrgov/gtas_pnrMessagePg77_v11.edi") else {
        return;
    };
    let docs = p
        .segments
        .iter()
        .find(|s| s.tag() == "SSR" && s.text(0, 0) == "DOCS")
        .unwrap();
    assert!(
        docs.text(0, 8).ends_with("/VANDENBERG/KEVIN/MICHAEL"),
        "{}",
        docs.text(0, 8)
    );
    let Some(p) = load("pnrgov/gtas_pnrMessagePg75_v11.edi") else {
        return;
    };
    let docs = p
        .segments
        .iter()
        .find(|s| s.tag() == "SSR" && s.text(0, 0) == "DOCS")
        .unwrap();
    assert!(
        docs.text(0, 8).ends_with("/PARK/SEJOON"),
        "{}",
        docs.text(0, 8)
    );
    let next = p.segments.get(docs.index + 1).unwrap();
    assert_eq!(next.tag(), "TVL");
}

mod properties {
    use interdict_edifact::{SegmentWriter, ServiceChars, parse};
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[A-Z0-9 :+?'*./-]{0,12}").unwrap()
    }

    proptest! {
        /// Whatever the writer releases, the tokenizer reads back exactly, with any UNA service string.
        #[test]
        fn writer_and_tokenizer_round_trip(
            values in proptest::collection::vec(proptest::collection::vec(value(), 1..4), 1..6),
            custom in any::<bool>(),
        ) {
            let chars = if custom {
                ServiceChars::from_una(b":*.? $").unwrap()
            } else {
                ServiceChars::default()
            };
            let mut w = SegmentWriter::new(chars, custom);
            w.una();
            // A leading "X" keeps every element non-empty so trailing-empty trimming cannot drop any.
            let elements: Vec<Vec<String>> =
                values.iter().map(|e| e.iter().map(|c| format!("X{c}")).collect()).collect();
            let refs: Vec<Vec<&str>> = elements.iter().map(|e| e.iter().map(String::as_str).collect()).collect();
            let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
            w.segment("FTX", &slices);
            let text = w.finish();
            let parsed = parse(text.as_bytes());
            let seg = parsed.segments.get(0).unwrap();
            prop_assert_eq!(seg.tag(), "FTX");
            for (e, comps) in elements.iter().enumerate() {
                let got: Vec<&str> = seg.components(e);
                let want: Vec<&str> = comps.iter().map(String::as_str).collect();
                prop_assert_eq!(got, want, "{}", text);
            }
        }

        /// Arbitrary bytes never panic and every diagnostic lies within the input.
        #[test]
        fn arbitrary_bytes_are_tokenized(data in proptest::collection::vec(any::<u8>(), 0..400)) {
            let parsed = parse(&data);
            for d in &parsed.diagnostics {
                prop_assert!(d.position.offset <= data.len());
            }
        }
    }
}
