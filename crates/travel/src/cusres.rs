//! CUSRES, the government's answer to interactive API (iAPI): per traveller a board / do-not-board /
//! contact-authority code. Reads carriers' and governments' CUSRES messages and writes them from screening
//! results under a configured [`IapiPolicy`]. A hit never becomes do-not-board unless the policy says so for
//! that hit type.

use crate::TravelError;
use crate::dates::{DateRole, ReferenceDate, edifact_datetime};
use crate::traveller::{FlightLeg, Warning};
use interdict_edifact::{Segment, SegmentWriter, ServiceChars};
use serde::{Deserialize, Serialize};

/// What the carrier is told to do with one traveller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoardingAction {
    Board,
    ContactAuthority,
    DoNotBoard,
}

impl BoardingAction {
    pub fn as_str(self) -> &'static str {
        match self {
            BoardingAction::Board => "board",
            BoardingAction::ContactAuthority => "contact_authority",
            BoardingAction::DoNotBoard => "do_not_board",
        }
    }
}

/// The kinds of hit a screening can produce; the policy maps each to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitType {
    /// A watchlist result at or above the match threshold.
    WatchlistMatch,
    /// A watchlist result below the threshold but above the cutoff.
    WatchlistPossible,
    /// The travel document is on the lost/stolen list.
    LostStolenDocument,
    /// A targeting rule fired.
    TargetingRule,
    /// The document data failed a check (expired, MRZ mismatch).
    DocumentCheck,
}

impl HitType {
    pub fn as_str(self) -> &'static str {
        match self {
            HitType::WatchlistMatch => "watchlist_match",
            HitType::WatchlistPossible => "watchlist_possible",
            HitType::LostStolenDocument => "lost_stolen_document",
            HitType::TargetingRule => "targeting_rule",
            HitType::DocumentCheck => "document_check",
        }
    }
}

/// The ERC codes written for each action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseCodes {
    pub board: String,
    pub do_not_board: String,
    pub contact_authority: String,
}

impl Default for ResponseCodes {
    fn default() -> Self {
        ResponseCodes {
            board: "0Z".into(),
            do_not_board: "1Z".into(),
            contact_authority: "2Z".into(),
        }
    }
}

/// The iAPI answer policy: an action per hit type and the codes to write. Hit types the policy does not
/// mention get `contact_authority`; nothing gets `do_not_board` unless listed so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IapiPolicy {
    /// Version of the policy, written into every answer's explanation.
    #[serde(default = "default_policy_version")]
    pub version: String,
    #[serde(default)]
    pub codes: ResponseCodes,
    #[serde(default)]
    pub actions: std::collections::BTreeMap<String, BoardingAction>,
}

fn default_policy_version() -> String {
    "default".to_string()
}

impl Default for IapiPolicy {
    fn default() -> Self {
        let mut actions = std::collections::BTreeMap::new();
        actions.insert(
            "watchlist_match".to_string(),
            BoardingAction::ContactAuthority,
        );
        actions.insert(
            "lost_stolen_document".to_string(),
            BoardingAction::ContactAuthority,
        );
        actions.insert("watchlist_possible".to_string(), BoardingAction::Board);
        actions.insert("targeting_rule".to_string(), BoardingAction::Board);
        actions.insert(
            "document_check".to_string(),
            BoardingAction::ContactAuthority,
        );
        IapiPolicy {
            version: default_policy_version(),
            codes: ResponseCodes::default(),
            actions,
        }
    }
}

const HIT_TYPES: [&str; 5] = [
    "watchlist_match",
    "watchlist_possible",
    "lost_stolen_document",
    "targeting_rule",
    "document_check",
];

impl IapiPolicy {
    /// Reads a TOML policy:
    ///
    /// ```toml
    /// version = "2026-11"
    /// [codes]
    /// board = "0Z"
    /// do_not_board = "1Z"
    /// contact_authority = "2Z"
    /// [actions]
    /// watchlist_match = "do_not_board"
    /// lost_stolen_document = "contact_authority"
    /// ```
    ///
    /// # Errors
    /// [`TravelError::Policy`] for TOML errors and unknown hit types.
    pub fn from_toml(text: &str) -> Result<Self, TravelError> {
        let policy: IapiPolicy =
            toml::from_str(text).map_err(|e| TravelError::Policy(e.to_string()))?;
        for k in policy.actions.keys() {
            if !HIT_TYPES.contains(&k.as_str()) {
                return Err(TravelError::Policy(format!(
                    "unknown hit type \"{k}\" in [actions]; known: {}",
                    HIT_TYPES.join(", ")
                )));
            }
        }
        Ok(policy)
    }

    /// The action for one hit type.
    pub fn action_for(&self, hit: HitType) -> BoardingAction {
        self.actions
            .get(hit.as_str())
            .copied()
            .unwrap_or(BoardingAction::ContactAuthority)
    }

    /// The action for a traveller with these hits: the strictest of the hits' actions, `board` without hits.
    pub fn decide(&self, hits: &[HitType]) -> BoardingAction {
        hits.iter()
            .map(|h| self.action_for(*h))
            .max()
            .unwrap_or(BoardingAction::Board)
    }

    /// The CUSRES answer line of every screened traveller: the decided action, and as text "OK TO BOARD" or the
    /// action with the hit types that led to it.
    pub fn answers(&self, screening: &crate::screening::MessageScreening) -> Vec<AnswerLine> {
        screening
            .travellers
            .iter()
            .map(|t| {
                let action = self.decide(&t.hit_types());
                let text = match action {
                    BoardingAction::Board => "OK TO BOARD".to_string(),
                    _ => format!(
                        "{} ({})",
                        action.as_str().replace('_', " "),
                        t.hits
                            .iter()
                            .map(|h| h.hit_type.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                AnswerLine {
                    booking_reference: t.booking_reference.clone(),
                    traveller_reference: t.traveller_reference.clone(),
                    action,
                    text,
                }
            })
            .collect()
    }

    pub fn code(&self, action: BoardingAction) -> &str {
        match action {
            BoardingAction::Board => &self.codes.board,
            BoardingAction::DoNotBoard => &self.codes.do_not_board,
            BoardingAction::ContactAuthority => &self.codes.contact_authority,
        }
    }

    /// The action a code stands for, when it is one of the configured codes.
    pub fn action_of_code(&self, code: &str) -> Option<BoardingAction> {
        [
            BoardingAction::Board,
            BoardingAction::DoNotBoard,
            BoardingAction::ContactAuthority,
        ]
        .into_iter()
        .find(|a| self.code(*a) == code)
    }
}

/// One traveller's answer in a CUSRES.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TravellerAnswer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traveller_reference: Option<String>,
    /// The ERC code as written (`0Z`, `1Z`, `118`).
    pub code: String,
    /// The action under the default codes, when the code is one of them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<BoardingAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A CUSRES message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CusresMessage {
    pub reference: String,
    pub document_code: String,
    pub document_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_reference: Option<String>,
    pub flights: Vec<FlightLeg>,
    pub answers: Vec<TravellerAnswer>,
}

/// Reads a CUSRES message from its segments (UNH..UNT).
pub fn parse_cusres(
    segments: &[Segment<'_>],
    reference: ReferenceDate,
    warnings: &mut Vec<Warning>,
) -> CusresMessage {
    let policy = IapiPolicy::default();
    let mut m = CusresMessage {
        reference: String::new(),
        document_code: String::new(),
        document_name: String::new(),
        transaction_reference: None,
        flights: Vec::new(),
        answers: Vec::new(),
    };
    let mut in_answer = false;
    for seg in segments {
        match seg.tag() {
            "UNH" => m.reference = seg.text(0, 0).to_string(),
            "BGM" => {
                m.document_code = seg.text(0, 0).to_string();
                m.document_name = crate::paxlst::document_name(&m.document_code).to_string();
            }
            "ERP" => {
                in_answer = true;
                m.answers.push(TravellerAnswer {
                    booking_reference: None,
                    traveller_reference: None,
                    code: String::new(),
                    action: None,
                    text: None,
                });
            }
            "RFF" => {
                let v = Some(seg.text(0, 1).to_string()).filter(|s| !s.is_empty());
                match (seg.text(0, 0), in_answer, m.answers.last_mut()) {
                    ("TN", _, _) => m.transaction_reference = v,
                    ("AF", false, _) => m.flights.push(FlightLeg {
                        number: v,
                        ..FlightLeg::default()
                    }),
                    ("AVF", true, Some(a)) => a.booking_reference = v,
                    ("ABO", true, Some(a)) => a.traveller_reference = v,
                    _ => {}
                }
            }
            "DTM" if !in_answer => {
                let value =
                    edifact_datetime(seg.text(0, 1), seg.text(0, 2), DateRole::Other, reference);
                if let Some(leg) = m.flights.last_mut() {
                    match seg.text(0, 0) {
                        "189" => leg.departure_time = value,
                        "232" => leg.arrival_time = value,
                        _ => {}
                    }
                }
            }
            "LOC" if !in_answer => {
                if let Some(leg) = m.flights.last_mut() {
                    match seg.text(0, 0) {
                        "125" => leg.departure_airport = Some(seg.text(1, 0).to_string()),
                        "87" => leg.arrival_airport = Some(seg.text(1, 0).to_string()),
                        _ => {}
                    }
                }
            }
            "ERC" => match m.answers.last_mut() {
                Some(a) => {
                    a.code = seg.text(0, 0).to_string();
                    a.action = policy.action_of_code(&a.code);
                }
                None => warnings.push(Warning::at(seg, "orphan_response", "ERC before any ERP")),
            },
            "FTX" => {
                let text = seg.text(3, 0).to_string();
                match m.answers.last_mut() {
                    Some(a) if in_answer => a.text = Some(text),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    // A status change (132) lists flights and then travellers; travellers keep the last flight's context.
    m
}

/// One traveller's line in a CUSRES to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerLine {
    pub booking_reference: Option<String>,
    pub traveller_reference: Option<String>,
    pub action: BoardingAction,
    pub text: String,
}

/// The header data of a CUSRES to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CusresHeader {
    pub sender: String,
    pub recipient: String,
    /// YYMMDD and HHMM of preparation.
    pub date: String,
    pub time: String,
    pub interchange_reference: String,
    pub message_reference: String,
    pub transaction_reference: Option<String>,
    pub flight: FlightLeg,
}

fn compact_datetime(iso: &Option<String>) -> Option<String> {
    // 2024-03-15T16:20 -> 2403151620
    let s = iso.as_deref()?;
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    (digits.len() == 12).then(|| digits[2..].to_string())
}

/// Writes a CUSRES (D05B, IATA) answering an iAPI request: BGM 962, the flight, and per traveller ERP/RFF/ERC/FTX
/// with the policy's code.
pub fn write_cusres(header: &CusresHeader, answers: &[AnswerLine], policy: &IapiPolicy) -> String {
    let mut w = SegmentWriter::new(ServiceChars::default(), true);
    w.una();
    w.segment(
        "UNB",
        &[
            &["UNOA", "4"],
            &[&header.sender],
            &[&header.recipient],
            &[&header.date, &header.time],
            &[&header.interchange_reference],
            &[""],
            &["IAPI"],
        ],
    );
    w.segment(
        "UNH",
        &[
            &[&header.message_reference],
            &["CUSRES", "D", "05B", "UN", "IATA"],
        ],
    );
    w.segment("BGM", &[&["962"]]);
    if let Some(tn) = &header.transaction_reference {
        w.segment("RFF", &[&["TN", tn]]);
    }
    let flight = format!(
        "{}{}",
        header
            .flight
            .carrier
            .as_deref()
            .filter(|c| !header
                .flight
                .number
                .as_deref()
                .unwrap_or("")
                .starts_with(*c))
            .unwrap_or(""),
        header.flight.number.as_deref().unwrap_or("")
    );
    w.segment("RFF", &[&["AF", &flight]]);
    if let Some(d) = compact_datetime(&header.flight.departure_time) {
        w.segment("DTM", &[&["189", &d, "201"]]);
    }
    if let Some(d) = compact_datetime(&header.flight.arrival_time) {
        w.segment("DTM", &[&["232", &d, "201"]]);
    }
    if let Some(a) = &header.flight.departure_airport {
        w.segment("LOC", &[&["125"], &[a]]);
    }
    if let Some(a) = &header.flight.arrival_airport {
        w.segment("LOC", &[&["87"], &[a]]);
    }
    for a in answers {
        w.segment("ERP", &[&["2"]]);
        if let Some(r) = &a.booking_reference {
            w.segment("RFF", &[&["AVF", r]]);
        }
        if let Some(r) = &a.traveller_reference {
            w.segment("RFF", &[&["ABO", r]]);
        }
        w.segment("ERC", &[&[policy.code(a.action)]]);
        let text: String = a
            .text
            .chars()
            .filter(|c| c.is_ascii() && !c.is_ascii_control())
            .take(350)
            .collect();
        w.segment(
            "FTX",
            &[&["AAP"], &[""], &[""], &[&text.to_ascii_uppercase()]],
        );
    }
    let count = (w.message_segments() + 1).to_string();
    w.segment("UNT", &[&[&count], &[&header.message_reference]]);
    w.segment("UNZ", &[&["1"], &[&header.interchange_reference]]);
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_never_denies_boarding_unless_told() {
        let p = IapiPolicy::default();
        for hits in [
            vec![HitType::WatchlistMatch],
            vec![HitType::LostStolenDocument, HitType::TargetingRule],
            vec![HitType::WatchlistPossible],
        ] {
            assert_ne!(p.decide(&hits), BoardingAction::DoNotBoard, "{hits:?}");
        }
        assert_eq!(p.decide(&[]), BoardingAction::Board);
        assert_eq!(
            p.decide(&[HitType::WatchlistMatch]),
            BoardingAction::ContactAuthority
        );
        let strict = IapiPolicy::from_toml(
            "version = \"2\"\n[actions]\nwatchlist_match = \"do_not_board\"\n",
        )
        .unwrap();
        assert_eq!(
            strict.decide(&[HitType::WatchlistMatch]),
            BoardingAction::DoNotBoard
        );
        assert_eq!(
            strict.decide(&[HitType::LostStolenDocument]),
            BoardingAction::ContactAuthority
        );
        assert!(IapiPolicy::from_toml("[actions]\nreligion = \"do_not_board\"\n").is_err());
    }

    #[test]
    fn writes_and_reads_back() {
        let header = CusresHeader {
            sender: "GOV".into(),
            recipient: "ZZ".into(),
            date: "260301".into(),
            time: "1200".into(),
            interchange_reference: "IREF1".into(),
            message_reference: "M1".into(),
            transaction_reference: Some("T1".into()),
            flight: FlightLeg {
                carrier: Some("ZZ".into()),
                number: Some("ZZ101".into()),
                departure_airport: Some("AAA".into()),
                departure_time: Some("2026-03-01T10:00".into()),
                arrival_airport: Some("BBB".into()),
                ..FlightLeg::default()
            },
        };
        let answers = [
            AnswerLine {
                booking_reference: Some("ABC123".into()),
                traveller_reference: Some("1".into()),
                action: BoardingAction::Board,
                text: "OK to board".into(),
            },
            AnswerLine {
                booking_reference: None,
                traveller_reference: Some("2".into()),
                action: BoardingAction::ContactAuthority,
                text: "Contact the PIU: O'Neil+1".into(),
            },
        ];
        let out = write_cusres(&header, &answers, &IapiPolicy::default());
        let parsed = interdict_edifact::parse(out.as_bytes());
        assert!(
            parsed.diagnostics.is_empty(),
            "{out}\n{:?}",
            parsed.diagnostics
        );
        let segs: Vec<Segment<'_>> = parsed.segments.iter().collect();
        let mut w = Vec::new();
        let m = parse_cusres(&segs, (2026, 3, 1), &mut w);
        assert_eq!(m.answers.len(), 2);
        assert_eq!(m.answers[0].action, Some(BoardingAction::Board));
        assert_eq!(m.answers[1].code, "2Z");
        assert_eq!(
            m.answers[1].text.as_deref(),
            Some("CONTACT THE PIU: O'NEIL+1")
        );
        assert_eq!(m.flights[0].number.as_deref(), Some("ZZ101"));
    }
}
