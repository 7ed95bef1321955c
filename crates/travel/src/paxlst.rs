//! PAXLST (UN/EDIFACT D02B, D03B, D05B, IATA and generic): the flight legs, the travellers (passengers and
//! crew) with their documents, and the declared counts.

use crate::dates::{
    DateRole, ReferenceDate, edifact_datetime, implausible_birth, reference_from_iso,
};
use crate::names::join_given;
use crate::traveller::{
    Contact, DocumentClass, Flight, FlightLeg, TravelDocument, Traveller, TravellerRole, Warning,
};
use interdict_edifact::Segment;
use serde::Serialize;

/// A PAXLST message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaxlstMessage {
    pub reference: String,
    /// Directory version such as `D05B`.
    pub version: String,
    /// BGM document name code (`745` passenger list, `250` crew list, ...).
    pub document_code: String,
    pub document_name: String,
    /// BGM document identifier (`C`, `CP`, ...), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_identifier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporting_party: Option<String>,
    /// Transaction reference (RFF+TN).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_reference: Option<String>,
    pub flight: Flight,
    pub travellers: Vec<Traveller>,
    /// CNT counts as declared.
    pub declared_counts: Vec<DeclaredCount>,
}

/// A CNT count: qualifier 41 = crew members, 42 = passengers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeclaredCount {
    pub qualifier: String,
    pub count: u32,
}

/// The name of a BGM document code used in API messages.
pub fn document_name(code: &str) -> &'static str {
    match code {
        "745" => "passenger list",
        "250" => "crew list",
        "266" => "flight close",
        "336" => "master crew list",
        "655" => "gate pass request",
        "10" => "passenger list (generic)",
        "962" => "status response",
        "132" => "status change",
        "312" => "acknowledgement",
        _ => "unknown",
    }
}

fn role_of(qualifier: &str) -> TravellerRole {
    match qualifier {
        "FL" => TravellerRole::Passenger,
        "FM" => TravellerRole::Crew,
        "DDT" => TravellerRole::InTransitPassenger,
        "DDU" => TravellerRole::InTransitCrew,
        "COT" => TravellerRole::Crew,
        _ => TravellerRole::Other,
    }
}

/// Reads a PAXLST message from its segments (UNH..UNT). Problems are appended to `warnings`.
pub fn parse_paxlst(
    segments: &[Segment<'_>],
    reference: ReferenceDate,
    warnings: &mut Vec<Warning>,
) -> PaxlstMessage {
    let mut msg = PaxlstMessage {
        reference: String::new(),
        version: String::new(),
        document_code: String::new(),
        document_name: String::new(),
        document_identifier: None,
        reporting_party: None,
        transaction_reference: None,
        flight: Flight::default(),
        travellers: Vec::new(),
        declared_counts: Vec::new(),
    };
    let mut traveller: Option<Traveller> = None;
    let mut in_reporting_party = false;
    let mut count_segment: Option<Segment<'_>> = None;
    // Which document the following DTM 36/182 and LOC 91 belong to.
    let mut doc_open = false;

    let finish = |t: Option<Traveller>, out: &mut Vec<Traveller>| {
        if let Some(mut t) = t {
            t.choose_document();
            out.push(t);
        }
    };

    for seg in segments {
        match seg.tag() {
            "UNH" => {
                msg.reference = seg.text(0, 0).to_string();
                msg.version = format!("{}{}", seg.text(1, 1), seg.text(1, 2));
            }
            "BGM" => {
                msg.document_code = seg.text(0, 0).to_string();
                msg.document_name = document_name(&msg.document_code).to_string();
                msg.document_identifier = non_empty(seg.text(1, 0));
            }
            "RFF" if traveller.is_none() && seg.text(0, 0) == "TN" => {
                msg.transaction_reference = non_empty(seg.text(0, 1));
            }
            "NAD" => {
                let qualifier = seg.text(0, 0);
                if qualifier == "MS" {
                    in_reporting_party = true;
                    let name = [seg.text(3, 0), seg.text(2, 0)]
                        .into_iter()
                        .find(|s| !s.is_empty())
                        .unwrap_or("");
                    msg.reporting_party = non_empty(name);
                    continue;
                }
                in_reporting_party = false;
                finish(traveller.take(), &mut msg.travellers);
                let mut t = Traveller::new(role_of(qualifier), seg.index);
                let names = seg.components(3);
                t.surname = names
                    .first()
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default();
                // C080: family name, then up to four given names; a sixth component is a format code.
                let given: Vec<&str> = names.iter().skip(1).take(4).copied().collect();
                t.given_names = join_given(&given);
                if t.surname.is_empty() {
                    warnings.push(Warning::at(
                        seg,
                        "missing_name",
                        "traveller NAD has no family name",
                    ));
                }
                if t.role == TravellerRole::Other {
                    warnings.push(Warning::at(
                        seg,
                        "unknown_party_qualifier",
                        format!("NAD party qualifier \"{qualifier}\" is not FL, FM, DDT, DDU or COT; read as a traveller"),
                    ));
                }
                let street = seg.text(4, 0);
                if !street.is_empty() {
                    let address = [
                        street,
                        seg.text(5, 0),
                        seg.text(6, 0),
                        seg.text(7, 0),
                        seg.text(8, 0),
                    ]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                    t.contacts.push(Contact {
                        kind: "address".into(),
                        value: address,
                    });
                }
                traveller = Some(t);
                doc_open = false;
            }
            "TDT" if traveller.is_none() => {
                msg.flight.legs.push(FlightLeg {
                    number: non_empty(seg.text(1, 0)),
                    carrier: non_empty(seg.text(4, 0)).or_else(|| {
                        // Without C040 the carrier is the flight number's two-character prefix.
                        let n = seg.text(1, 0);
                        (n.len() > 2).then(|| n[..2].to_string())
                    }),
                    ..FlightLeg::default()
                });
            }
            "LOC" => {
                let place = seg.text(1, 0);
                let free_text = seg.text(1, 3);
                let value = if place.is_empty() { free_text } else { place };
                match traveller.as_mut() {
                    None => {
                        let Some(leg) = msg.flight.legs.last_mut() else {
                            warnings.push(Warning::at(
                                seg,
                                "location_without_flight",
                                "LOC before any TDT",
                            ));
                            continue;
                        };
                        match seg.text(0, 0) {
                            "125" => leg.departure_airport = non_empty(value),
                            "87" => leg.arrival_airport = non_empty(value),
                            "92" | "22" => {
                                if leg.departure_airport.is_none() {
                                    leg.departure_airport = non_empty(value);
                                } else {
                                    leg.arrival_airport = non_empty(value);
                                }
                            }
                            other => warnings.push(Warning::at(
                                seg,
                                "unknown_location_qualifier",
                                format!("flight LOC qualifier \"{other}\" ignored"),
                            )),
                        }
                    }
                    Some(t) => match seg.text(0, 0) {
                        "178" => t.embarkation = non_empty(value),
                        "179" => t.debarkation = non_empty(value),
                        "22" => t.first_arrival = non_empty(value),
                        "174" => t.residence_country = non_empty(value),
                        "180" => t.birth_place = non_empty(value),
                        "91" => match (doc_open, t.documents.last_mut()) {
                            (true, Some(d)) if d.issuing_state.is_none() => {
                                d.issuing_state = non_empty(value)
                            }
                            (true, Some(d)) => d.place_of_issue = non_empty(value),
                            _ => warnings.push(Warning::at(
                                seg,
                                "orphan_document_detail",
                                "LOC+91 without a DOC",
                            )),
                        },
                        other => warnings.push(Warning::at(
                            seg,
                            "unknown_location_qualifier",
                            format!("traveller LOC qualifier \"{other}\" ignored"),
                        )),
                    },
                }
            }
            "DTM" => {
                let qualifier = seg.text(0, 0);
                let (role, pivot) = match qualifier {
                    "329" => (DateRole::Birth, reference),
                    "182" => (DateRole::Issue, reference),
                    // An expiry pivots on the document's issue date when it came first.
                    "36" => (
                        DateRole::Expiry,
                        traveller
                            .as_ref()
                            .filter(|_| doc_open)
                            .and_then(|t| t.documents.last())
                            .and_then(|d| d.issue_date.as_deref())
                            .and_then(reference_from_iso)
                            .unwrap_or(reference),
                    ),
                    _ => (DateRole::Other, reference),
                };
                let value = edifact_datetime(seg.text(0, 1), seg.text(0, 2), role, pivot);
                if role == DateRole::Birth
                    && seg.text(0, 1).trim().len() == 6
                    && let Some(text) = value
                        .as_deref()
                        .and_then(|iso| implausible_birth(seg.text(0, 1).trim(), iso, reference))
                {
                    warnings.push(Warning::at(seg, "implausible_birth_date", text));
                }
                if value.is_none() && !seg.text(0, 1).is_empty() {
                    warnings.push(Warning::at(
                        seg,
                        "invalid_date",
                        format!(
                            "DTM {qualifier} value \"{}\" is not a valid date",
                            seg.text(0, 1)
                        ),
                    ));
                }
                match (traveller.as_mut(), qualifier) {
                    (None, "189") => {
                        if let Some(leg) = msg.flight.legs.last_mut() {
                            leg.departure_time = value;
                        }
                    }
                    (None, "232") => {
                        if let Some(leg) = msg.flight.legs.last_mut() {
                            leg.arrival_time = value;
                        }
                    }
                    (Some(t), "329") => t.birth_date = value,
                    (Some(t), "36") | (Some(t), "182") => {
                        match (doc_open, t.documents.last_mut()) {
                            (true, Some(d)) if qualifier == "36" => d.expiry_date = value,
                            (true, Some(d)) => d.issue_date = value,
                            _ => warnings.push(Warning::at(
                                seg,
                                "orphan_document_detail",
                                "document date without a DOC",
                            )),
                        }
                    }
                    _ => {}
                }
            }
            "ATT" => {
                if let (Some(t), "2") = (traveller.as_mut(), seg.text(0, 0)) {
                    t.gender = non_empty(seg.text(2, 0));
                }
            }
            "NAT" => {
                if let Some(t) = traveller.as_mut() {
                    t.nationality = non_empty(seg.text(1, 0));
                }
            }
            "GEI" => {
                if let (Some(t), "173") = (traveller.as_mut(), seg.text(1, 0)) {
                    t.verified = true;
                }
            }
            "RFF" => {
                if let Some(t) = traveller.as_mut() {
                    let v = non_empty(seg.text(0, 1));
                    match seg.text(0, 0) {
                        "AVF" => t.booking_reference = v,
                        "ABO" => t.traveller_reference = v,
                        "YZY" | "ZZZ" => t.tickets.extend(v),
                        "SEA" => t.seats.extend(v),
                        "CR" | "AEA" => {}
                        _ => {}
                    }
                }
            }
            "COM" => {
                let contacts: Vec<Contact> = (0..seg.element_count())
                    .filter(|&e| !seg.text(e, 0).is_empty())
                    .map(|e| Contact {
                        kind: match seg.text(e, 1) {
                            "TE" => "phone".to_string(),
                            "FX" => "fax".to_string(),
                            "EM" => "email".to_string(),
                            other => other.to_ascii_lowercase(),
                        },
                        value: seg.text(e, 0).to_string(),
                    })
                    .collect();
                if let (Some(t), false) = (traveller.as_mut(), in_reporting_party) {
                    t.contacts.extend(contacts);
                }
            }
            "DOC" => {
                let Some(t) = traveller.as_mut() else {
                    warnings.push(Warning::at(
                        seg,
                        "orphan_document",
                        "DOC before any traveller",
                    ));
                    continue;
                };
                let code = seg.text(0, 0).to_string();
                let number = seg.text(1, 0).trim().to_string();
                if number.is_empty() {
                    warnings.push(Warning::at(
                        seg,
                        "missing_document_number",
                        "DOC has no document number",
                    ));
                }
                t.documents.push(TravelDocument {
                    class: DocumentClass::from_code(&code),
                    code,
                    number,
                    issuing_state: None,
                    expiry_date: None,
                    issue_date: None,
                    place_of_issue: None,
                });
                doc_open = true;
            }
            "CNT" => {
                finish(traveller.take(), &mut msg.travellers);
                let qualifier = seg.text(0, 0).to_string();
                let value = [seg.text(0, 1), seg.text(1, 0)]
                    .into_iter()
                    .find(|s| !s.is_empty())
                    .unwrap_or("");
                match value.trim().parse::<u32>() {
                    Ok(count) => msg.declared_counts.push(DeclaredCount { qualifier, count }),
                    Err(_) => warnings.push(Warning::at(
                        seg,
                        "invalid_count",
                        format!("CNT value \"{value}\" is not a number"),
                    )),
                }
                count_segment = Some(*seg);
            }
            "UNT" => finish(traveller.take(), &mut msg.travellers),
            _ => {}
        }
    }
    finish(traveller.take(), &mut msg.travellers);
    msg.flight.summarise();
    if msg.flight.legs.is_empty()
        && let Some(first) = segments.first()
    {
        warnings.push(Warning::at(
            first,
            "missing_flight",
            "message has no TDT flight details",
        ));
    }
    for DeclaredCount {
        qualifier,
        count: n,
    } in &msg.declared_counts
    {
        let (counted, what) = match qualifier.as_str() {
            "42" => (
                msg.travellers
                    .iter()
                    .filter(|t| {
                        matches!(
                            t.role,
                            TravellerRole::Passenger
                                | TravellerRole::InTransitPassenger
                                | TravellerRole::Other
                        )
                    })
                    .count(),
                "passengers",
            ),
            "41" => (
                msg.travellers
                    .iter()
                    .filter(|t| {
                        matches!(t.role, TravellerRole::Crew | TravellerRole::InTransitCrew)
                    })
                    .count(),
                "crew members",
            ),
            _ => continue,
        };
        if counted != *n as usize
            && let Some(seg) = count_segment.as_ref()
        {
            warnings.push(Warning::at(
                seg,
                "count_mismatch",
                format!("CNT+{qualifier} declares {n} {what}; the message lists {counted}"),
            ));
        }
    }
    msg
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (PaxlstMessage, Vec<Warning>) {
        let parsed = interdict_edifact::parse(text.as_bytes());
        let segs: Vec<Segment<'_>> = parsed.segments.iter().collect();
        let mut w = Vec::new();
        let m = parse_paxlst(&segs, (2026, 3, 1), &mut w);
        (m, w)
    }

    #[test]
    fn segments_table() {
        let (m, w) = parse(
            "UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+MS+++OPS DESK'TDT+20+ZZ101+++ZZ'LOC+125+AAA'DTM+189:2603011000:201'\
             LOC+87+BBB'DTM+232:2603011300:201'NAD+FL+++DOE:JANE:MARY'ATT+2++F'DTM+329:900102'LOC+178+AAA'LOC+179+BBB'\
             NAT+2+NLD'RFF+AVF:ABC123'DOC+V+V123'DTM+36:270101'LOC+91+BBB'DOC+P:110:111+NX1234567'DTM+36:300101'LOC+91+NLD'\
             NAD+FM+++ROE:RICHARD'ATT+2++M'DTM+329:19800101:102'CNT+42:1'CNT+41:2'UNT+28+1'",
        );
        assert_eq!(m.document_name, "passenger list");
        assert_eq!(m.reporting_party.as_deref(), Some("OPS DESK"));
        assert_eq!(m.flight.number.as_deref(), Some("ZZ101"));
        assert_eq!(m.flight.departure_airport.as_deref(), Some("AAA"));
        assert_eq!(m.flight.arrival_time.as_deref(), Some("2026-03-01T13:00"));
        let t = &m.travellers[0];
        assert_eq!(
            (t.surname.as_str(), t.given_names.as_str()),
            ("DOE", "JANE MARY")
        );
        assert_eq!(t.birth_date.as_deref(), Some("1990-01-02"));
        assert_eq!(
            t.document_number.as_deref(),
            Some("NX1234567"),
            "passport, not the visa"
        );
        assert_eq!(t.documents[1].expiry_date.as_deref(), Some("2030-01-01"));
        assert_eq!(t.documents[1].issuing_state.as_deref(), Some("NLD"));
        assert_eq!(t.booking_reference.as_deref(), Some("ABC123"));
        assert_eq!(m.travellers[1].role, TravellerRole::Crew);
        assert_eq!(m.travellers[1].birth_date.as_deref(), Some("1980-01-01"));
        let codes: Vec<&str> = w.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, vec!["count_mismatch"], "{w:?}");
    }
}
