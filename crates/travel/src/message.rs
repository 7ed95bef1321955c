//! One entry point for a file of carrier messages: tokenize, find the messages, read each by its type.

use crate::cusres::{CusresMessage, parse_cusres};
use crate::dates::{ReferenceDate, reference_from_unb};
use crate::paxlst::{PaxlstMessage, parse_paxlst};
use crate::pnrgov::{PnrgovMessage, parse_pnrgov};
use crate::sensitive::SensitiveDataFilter;
use crate::traveller::{Flight, Traveller, Warning};
use interdict_edifact::{ParsedEdifact, Segment};
use serde::Serialize;

/// A message of a known type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "message_type")]
pub enum TravelMessage {
    #[serde(rename = "PAXLST")]
    Paxlst(PaxlstMessage),
    #[serde(rename = "PNRGOV")]
    Pnrgov(PnrgovMessage),
    #[serde(rename = "CUSRES")]
    Cusres(CusresMessage),
}

impl TravelMessage {
    pub fn message_type(&self) -> &'static str {
        match self {
            TravelMessage::Paxlst(_) => "PAXLST",
            TravelMessage::Pnrgov(_) => "PNRGOV",
            TravelMessage::Cusres(_) => "CUSRES",
        }
    }

    pub fn travellers(&self) -> &[Traveller] {
        match self {
            TravelMessage::Paxlst(m) => &m.travellers,
            TravelMessage::Pnrgov(m) => &m.travellers,
            TravelMessage::Cusres(_) => &[],
        }
    }

    pub fn flight(&self) -> Flight {
        match self {
            TravelMessage::Paxlst(m) => m.flight.clone(),
            TravelMessage::Pnrgov(m) => m.flight.clone(),
            TravelMessage::Cusres(m) => {
                let mut f = Flight {
                    legs: m.flights.clone(),
                    ..Flight::default()
                };
                f.summarise();
                f
            }
        }
    }
}

/// A message with the warnings that concern it and the date its two-digit years pivot on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMessage {
    pub message: TravelMessage,
    pub warnings: Vec<Warning>,
    pub reference_date: ReferenceDate,
    /// The interchange sender and recipient (UNB).
    pub sender: String,
    pub recipient: String,
}

/// Everything read from one input.
#[derive(Debug, Clone)]
pub struct TravelFile {
    pub messages: Vec<ParsedMessage>,
    /// Warnings outside any message (envelope, tokenizer problems between messages).
    pub warnings: Vec<Warning>,
}

/// Reads every PAXLST, PNRGOV and CUSRES message in `input`, or a PNRGOV XML document (input whose first
/// character is `<`, see [`crate::pnrgov_xml`]). Two-digit years pivot on the interchange date (UNB), or on
/// `fallback_today` when there is none.
pub fn read_travel_file(
    input: &[u8],
    filter: &SensitiveDataFilter,
    fallback_today: ReferenceDate,
) -> TravelFile {
    if crate::pnrgov_xml::looks_like_xml(input) {
        return crate::pnrgov_xml::read_pnrgov_xml(input, filter, fallback_today);
    }
    let parsed = interdict_edifact::parse(input);
    read_parsed(&parsed, filter, fallback_today)
}

/// Like [`read_travel_file`] on an already tokenized input.
pub fn read_parsed(
    parsed: &ParsedEdifact,
    filter: &SensitiveDataFilter,
    fallback_today: ReferenceDate,
) -> TravelFile {
    let mut messages = Vec::new();
    let mut claimed = vec![false; parsed.diagnostics.len()];
    for span in &parsed.envelope.messages {
        let segs: Vec<Segment<'_>> = parsed.message_segments(span);
        let header = parsed.interchange_of(span);
        let reference = header
            .and_then(|h| reference_from_unb(&h.date))
            .unwrap_or(fallback_today);
        let mut warnings = Vec::new();
        // Diagnostics positioned inside this message belong to it.
        let (first, last) = (
            segs.first().map(|s| s.position.offset).unwrap_or(0),
            parsed
                .segments
                .get(span.end)
                .map(|s| s.position.offset)
                .unwrap_or(usize::MAX),
        );
        for (k, d) in parsed.diagnostics.iter().enumerate() {
            let inside = d.segment.map_or(
                d.position.offset >= first && d.position.offset < last,
                |i| i >= span.start && i < span.end,
            );
            if inside && !claimed[k] {
                claimed[k] = true;
                warnings.push(Warning::from_diagnostic(d));
            }
        }
        let message_type = match span.message_type.as_str() {
            "" => span
                .group_type
                .as_ref()
                .map(|g| g.to_string())
                .unwrap_or_default(),
            t => t.to_string(),
        };
        let message = match message_type.as_str() {
            "PAXLST" => TravelMessage::Paxlst(parse_paxlst(&segs, reference, &mut warnings)),
            "PNRGOV" => {
                TravelMessage::Pnrgov(parse_pnrgov(&segs, reference, filter, &mut warnings))
            }
            "CUSRES" => TravelMessage::Cusres(parse_cusres(&segs, reference, &mut warnings)),
            other => {
                if let Some(unh) = segs.first() {
                    warnings.push(Warning::at(
                        unh,
                        "unsupported_message",
                        format!("message type \"{other}\" is not read"),
                    ));
                }
                continue;
            }
        };
        warnings.sort_by_key(|w| w.offset);
        messages.push(ParsedMessage {
            message,
            warnings,
            reference_date: reference,
            sender: header.map(|h| h.sender.to_string()).unwrap_or_default(),
            recipient: header.map(|h| h.recipient.to_string()).unwrap_or_default(),
        });
    }
    let warnings = parsed
        .diagnostics
        .iter()
        .zip(claimed)
        .filter(|(_, c)| !c)
        .map(|(d, _)| Warning::from_diagnostic(d))
        .collect();
    TravelFile { messages, warnings }
}
