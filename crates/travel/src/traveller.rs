//! What the message parsers produce: flights, legs, travellers, documents and warnings.

use serde::Serialize;

/// One flight leg: carrier, flight number, airports (IATA codes) and local times (ISO 8601).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct FlightLeg {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// The operating carrier when it differs (codeshare).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operating_carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_airport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_airport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_class: Option<String>,
}

/// The flight a message reports: its legs and, at the top level, the first departure and last arrival.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Flight {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_airport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub departure_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_airport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrival_time: Option<String>,
    pub legs: Vec<FlightLeg>,
}

impl Flight {
    /// Sets the top-level fields from the legs: carrier and number of the last leg (the one arriving), first
    /// departure, last arrival.
    pub fn summarise(&mut self) {
        if let Some(last) = self.legs.last() {
            self.carrier = last.carrier.clone();
            self.number = last.number.clone();
            self.arrival_airport = last.arrival_airport.clone();
            self.arrival_time = last.arrival_time.clone();
        }
        if let Some(first) = self.legs.first() {
            self.departure_airport = first.departure_airport.clone();
            self.departure_time = first.departure_time.clone();
        }
    }

    /// Every airport of the itinerary in order, without consecutive repeats.
    pub fn airports(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for leg in &self.legs {
            for a in [&leg.departure_airport, &leg.arrival_airport]
                .into_iter()
                .flatten()
            {
                if out.last() != Some(a) {
                    out.push(a.clone());
                }
            }
        }
        out
    }
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentClass {
    Passport,
    Visa,
    IdentityCard,
    Other,
}

impl DocumentClass {
    /// Classifies a PAXLST DOC code (1001) or an SSR DOCS/DOCO document type.
    pub fn from_code(code: &str) -> DocumentClass {
        match code.trim().to_ascii_uppercase().as_str() {
            "P" | "PT" | "PP" | "PS" | "PD" | "PL" | "PM" | "PE" | "PA" | "PO" => {
                DocumentClass::Passport
            }
            "V" | "VI" | "VS" | "VT" | "V1" | "V2" => DocumentClass::Visa,
            "I" | "ID" | "IP" | "AC" | "A" | "C" | "F" => DocumentClass::IdentityCard,
            _ => DocumentClass::Other,
        }
    }
}

/// A travel document as the message states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TravelDocument {
    pub class: DocumentClass,
    /// The code as written (`P`, `V`, `I`, `5K`).
    pub code: String,
    pub number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub place_of_issue: Option<String>,
}

/// What part a traveller plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TravellerRole {
    Passenger,
    Crew,
    InTransitPassenger,
    InTransitCrew,
    Other,
}

/// A contact detail (phone, e-mail) as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// `phone`, `email`, `fax`, `address` or the carrier's code (`CTCH`).
    pub kind: String,
    pub value: String,
}

/// A traveller: each person once per message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Traveller {
    pub surname: String,
    /// All given and middle names separated by spaces, titles removed.
    pub given_names: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<String>,
    /// Nationality as written (ISO 3166 alpha-3 in most messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    /// The travel document's number: the passport (or identity card), never a visa.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    pub role: TravellerRole,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<TravelDocument>,
    /// The booking (PNR record locator).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_reference: Option<String>,
    /// The carrier's or the PNR's reference for this traveller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traveller_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embarkation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debarkation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_arrival: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub residence_country: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_place: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seats: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tickets: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bag_tags: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub frequent_flyer: Vec<String>,
    /// Whether the carrier says the data was verified against the document (GEI+4+173).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub verified: bool,
    /// Index of the segment that introduced the traveller (NAD or TIF), for warnings.
    pub segment: usize,
}

impl Traveller {
    pub fn new(role: TravellerRole, segment: usize) -> Self {
        Traveller {
            surname: String::new(),
            given_names: String::new(),
            birth_date: None,
            nationality: None,
            document_number: None,
            role,
            gender: None,
            documents: Vec::new(),
            booking_reference: None,
            traveller_reference: None,
            embarkation: None,
            debarkation: None,
            first_arrival: None,
            residence_country: None,
            birth_place: None,
            seats: Vec::new(),
            tickets: Vec::new(),
            bag_tags: Vec::new(),
            contacts: Vec::new(),
            frequent_flyer: Vec::new(),
            verified: false,
            segment,
        }
    }

    /// Sets `document_number` from the documents: the first passport, else the first document that is not a
    /// visa.
    pub fn choose_document(&mut self) {
        let doc = self
            .documents
            .iter()
            .find(|d| d.class == DocumentClass::Passport)
            .or_else(|| {
                self.documents
                    .iter()
                    .find(|d| d.class != DocumentClass::Visa)
            });
        self.document_number = doc.map(|d| d.number.clone());
    }

    /// The travel document `document_number` refers to.
    pub fn travel_document(&self) -> Option<&TravelDocument> {
        let n = self.document_number.as_deref()?;
        self.documents.iter().find(|d| d.number == n)
    }

    /// "SURNAME, Given Names" for tables and captions.
    pub fn display_name(&self) -> String {
        if self.given_names.is_empty() {
            self.surname.clone()
        } else {
            format!("{}, {}", self.surname, self.given_names)
        }
    }
}

/// A problem found while reading a message, with its position in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable snake_case code (`count_mismatch`, `missing_terminator`, `unknown_traveller_reference`, ...).
    pub code: String,
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub segment: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
}

impl Warning {
    /// A warning about a segment.
    pub fn at(seg: &interdict_edifact::Segment, code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.to_string(),
            message: message.into(),
            line: seg.position.line,
            column: seg.position.column,
            offset: seg.position.offset,
            segment: Some(seg.index),
            tag: Some(seg.tag().to_string()),
        }
    }

    /// A tokenizer or envelope diagnostic as a warning.
    pub fn from_diagnostic(d: &interdict_edifact::Diagnostic) -> Self {
        let code = serde_json::to_value(d.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "edifact".to_string());
        Warning {
            code,
            message: d.message.clone(),
            line: d.position.line,
            column: d.position.column,
            offset: d.position.offset,
            segment: d.segment,
            tag: d.tag.as_ref().map(|t| t.to_string()),
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)?;
        if let (Some(i), Some(t)) = (self.segment, &self.tag) {
            write!(f, ", segment {} {}", i + 1, t)?;
        }
        write!(f, ": {} ({})", self.message, self.code)
    }
}
