//! PNRGOV (IATA PADIS EDIFACT, versions 10.1 to 14.1): bookings (SRC groups) with their record locators,
//! travellers (TIF), itineraries (TVL, codeshare included), SSR DOCS/DOCO/DOCA parsed into fields, contacts,
//! form of payment, agency, seats, bags and tickets. Check-in (TRI) and history (ABI, LTS) groups never add
//! travellers. Sensitive content is dropped through a [`SensitiveDataFilter`] and only counted.

use crate::dates::{DateRole, ReferenceDate, ddmmmyy, ddmmyy, implausible_birth};
use crate::names::join_given;
use crate::sensitive::{DroppedCounts, SensitiveDataFilter};
use crate::traveller::{
    Contact, DocumentClass, Flight, FlightLeg, TravelDocument, Traveller, TravellerRole, Warning,
};
use interdict_edifact::Segment;
use serde::Serialize;

/// The agency or airline office that created or owns the booking (ORG).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Agency {
    /// Reservation system or airline code (`1A`, `DL`).
    pub system: String,
    pub location: String,
    /// IATA or ARC agency number, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iata_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub office: Option<String>,
    /// Originator type: `A` airline, `T` travel agent, `E` airline agent ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub originator_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A form of payment (FOP). Card numbers are kept only as the carrier masked them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    /// `CA` cash, `CC` credit card, `CK` cheque, `MS` miscellaneous, ...
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub masked_card: Option<String>,
}

/// A booking (one SRC group).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Booking {
    pub record_locator: String,
    /// Other systems' locators for the same booking (`KE:EDP2RW`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_locators: Vec<String>,
    /// When the booking was made (RCI).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Latest PNR transaction (DAT 700).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transaction: Option<String>,
    /// First ticket issue (DAT 710).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_issued: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<Agency>,
    /// Indices into the message's `travellers`.
    pub travellers: Vec<usize>,
    pub itinerary: Vec<FlightLeg>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<Payment>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    /// Free-text remarks (IFT) that passed the sensitive-data filter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remarks: Vec<String>,
    /// Other special service requests kept (code and free text), after the sensitive-data filter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// History lines (LTS) that passed the sensitive-data filter.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<String>,
    /// Index of the SRC segment.
    pub segment: usize,
}

/// A PNRGOV message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PnrgovMessage {
    pub reference: String,
    /// `11.1`, `13.1`, ...
    pub version: String,
    pub flight: Flight,
    pub bookings: Vec<Booking>,
    pub travellers: Vec<Traveller>,
    /// Sensitive items dropped at ingestion, by category.
    pub sensitive_dropped: DroppedCounts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    MessageHeader,
    BookingHeader,
    Itinerary,
    CheckIn,
    History,
}

/// The fields of an SSR DOCS free text (`/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITH/JOHN/ROBERT`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocsFields {
    pub document_type: String,
    pub issuing_state: String,
    pub number: String,
    pub nationality: String,
    pub birth_date: Option<String>,
    pub gender: String,
    pub expiry_date: Option<String>,
    pub surname: String,
    pub given_names: String,
}

/// Parses SSR DOCS free text. `None` when it has fewer than eight fields.
pub fn parse_docs(text: &str, reference: ReferenceDate) -> Option<DocsFields> {
    let t = text.trim();
    let t = t.strip_prefix('/').unwrap_or(t);
    let f: Vec<&str> = t.split('/').map(str::trim).collect();
    if f.len() < 8 {
        return None;
    }
    let given: Vec<&str> = f.iter().skip(8).copied().collect();
    Some(DocsFields {
        document_type: f[0].to_string(),
        issuing_state: f[1].to_string(),
        number: f[2].to_string(),
        nationality: f[3].to_string(),
        birth_date: ddmmmyy(f[4], DateRole::Birth, reference),
        gender: f[5].to_string(),
        expiry_date: ddmmmyy(f[6], DateRole::Expiry, reference),
        surname: f[7].to_string(),
        given_names: join_given(&given),
    })
}

/// Decodes an IATA-encoded e-mail address (`//` for `@`, `..` for `_`, `./` for `-`).
pub fn decode_email(s: &str) -> String {
    s.trim()
        .replace("//", "@")
        .replace("..", "_")
        .replace("./", "-")
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn leg_from_tvl(seg: &Segment<'_>, reference: ReferenceDate) -> FlightLeg {
    let dep_date = seg.text(0, 0);
    let arr_date = match seg.text(0, 2) {
        "" => dep_date,
        d => d,
    };
    let carrier = non_empty(seg.text(3, 0));
    let operating = non_empty(seg.text(3, 1)).filter(|o| Some(o) != carrier.as_ref());
    FlightLeg {
        carrier,
        operating_carrier: operating,
        number: non_empty(seg.text(4, 0)),
        departure_airport: non_empty(seg.text(1, 0)),
        departure_time: ddmmyy(dep_date, seg.text(0, 1), reference),
        arrival_airport: non_empty(seg.text(2, 0)),
        arrival_time: if seg.text(0, 3).is_empty() && seg.text(0, 2).is_empty() {
            None
        } else {
            ddmmyy(arr_date, seg.text(0, 3), reference)
        },
        booking_class: non_empty(seg.text(4, 1)),
    }
}

/// SSR status codes that mean the request is cancelled or refused.
pub(crate) fn cancelled_status(status: &str) -> bool {
    matches!(status, "XX" | "HX" | "UN" | "UC" | "NO" | "XK" | "XL")
}

struct PnrReader<'f> {
    filter: &'f SensitiveDataFilter,
    reference: ReferenceDate,
    msg: PnrgovMessage,
    section: Section,
    /// Index (into msg.travellers) of the traveller the following header segments belong to.
    current: Option<usize>,
    /// Traveller named by the current check-in group's TIF.
    checkin: Option<usize>,
}

impl PnrReader<'_> {
    fn booking(&mut self) -> Option<&mut Booking> {
        self.msg.bookings.last_mut()
    }

    /// The traveller of the current booking with PNR reference `r`.
    fn traveller_by_ref(&self, r: &str) -> Option<usize> {
        let b = self.msg.bookings.last()?;
        b.travellers
            .iter()
            .copied()
            .find(|&i| self.msg.travellers[i].traveller_reference.as_deref() == Some(r))
    }

    fn drop_sensitive(&mut self, category: &str) {
        let category = category.to_string();
        self.msg.sensitive_dropped.add(&category);
    }

    fn tif(&mut self, seg: &Segment<'_>, warnings: &mut Vec<Warning>) {
        let surname = seg.text(0, 0).trim().to_string();
        let given = join_given(&[seg.text(1, 0)]);
        let reference = non_empty(seg.text(1, 2));
        match self.section {
            Section::BookingHeader => {
                let Some(b) = self.msg.bookings.last() else {
                    return;
                };
                let locator = b.record_locator.clone();
                let dup = b.travellers.iter().copied().find(|&i| {
                    let t = &self.msg.travellers[i];
                    t.surname == surname
                        && t.given_names == given
                        && t.traveller_reference == reference
                });
                if let Some(i) = dup {
                    self.current = Some(i);
                    return;
                }
                let mut t = Traveller::new(
                    if seg.text(1, 1) == "IN" {
                        TravellerRole::Other
                    } else {
                        TravellerRole::Passenger
                    },
                    seg.index,
                );
                t.surname = surname;
                t.given_names = given;
                t.traveller_reference = reference;
                t.booking_reference = non_empty(&locator);
                let i = self.msg.travellers.len();
                self.msg.travellers.push(t);
                if let Some(b) = self.booking() {
                    b.travellers.push(i);
                }
                self.current = Some(i);
            }
            Section::CheckIn => {
                let by_ref = reference.as_deref().and_then(|r| self.traveller_by_ref(r));
                let by_name = || {
                    let b = self.msg.bookings.last()?;
                    b.travellers
                        .iter()
                        .copied()
                        .find(|&i| self.msg.travellers[i].surname == surname)
                };
                self.checkin = by_ref.or_else(by_name);
                if self.checkin.is_none() {
                    warnings.push(Warning::at(
                        seg,
                        "unknown_traveller_reference",
                        format!("check-in TIF {surname} matches no traveller of the booking"),
                    ));
                }
            }
            _ => {}
        }
    }

    /// Reads a TIF whose elements start at element `first` of another segment.
    fn merged_tif(&mut self, seg: &Segment<'_>, first: usize, warnings: &mut Vec<Warning>) {
        let text = format!(
            "TIF+{}+{}'",
            seg.components(first).join(":"),
            seg.components(first + 1).join(":")
        );
        let parsed = interdict_edifact::parse(text.as_bytes());
        if let Some(tif) = parsed.segments.get(0) {
            let tif = tif.relocated(seg.index, seg.position);
            self.tif(&tif, warnings);
        }
    }

    fn ssr(&mut self, seg: &Segment<'_>, warnings: &mut Vec<Warning>) {
        let code = seg.text(0, 0).trim().to_ascii_uppercase();
        let status = seg.text(0, 1);
        if let Some(category) = self.filter.ssr_category(&code) {
            let category = category.to_string();
            self.drop_sensitive(&category);
            return;
        }
        let free = seg
            .components(0)
            .into_iter()
            .skip(8)
            .collect::<Vec<_>>()
            .join(":");
        if self.filter.text_category(&free).is_some() {
            let category = self
                .filter
                .text_category(&free)
                .unwrap_or("other")
                .to_string();
            self.drop_sensitive(&category);
            return;
        }
        if self.section == Section::History {
            return;
        }
        if cancelled_status(status) {
            return;
        }
        // The traveller: in the booking header, the TIF the SSR follows (a differing reference in element 2 is
        // reported); elsewhere the reference in element 2 (`+::1`), or the booking's only traveller.
        let reference = non_empty(seg.text(1, 2));
        let target = if self.section == Section::BookingHeader && self.current.is_some() {
            if let (Some(r), Some(i)) = (&reference, self.current)
                && self.msg.travellers[i].traveller_reference.as_deref() != Some(r)
                && self.traveller_by_ref(r).is_none()
            {
                warnings.push(Warning::at(
                        seg,
                        "unknown_traveller_reference",
                        format!("SSR {code} refers to traveller {r}, who is not in the booking; read as the preceding TIF's"),
                    ));
            }
            reference
                .as_deref()
                .and_then(|r| self.traveller_by_ref(r))
                .or(self.current)
        } else {
            match reference {
                Some(r) => {
                    match self.traveller_by_ref(&r) {
                        Some(i) => Some(i),
                        None => {
                            if code != "SEAT" {
                                warnings.push(Warning::at(
                                seg,
                                "unknown_traveller_reference",
                                format!("SSR {code} refers to traveller {r}, who is not in the booking"),
                            ));
                            }
                            None
                        }
                    }
                }
                None => {
                    let b = self.msg.bookings.last();
                    b.filter(|b| b.travellers.len() == 1)
                        .map(|b| b.travellers[0])
                }
            }
        };
        match code.as_str() {
            "DOCS" => {
                let Some(d) = parse_docs(&free, self.reference) else {
                    warnings.push(Warning::at(
                        seg,
                        "invalid_ssr_docs",
                        format!("SSR DOCS text \"{free}\" has fewer than 8 fields"),
                    ));
                    return;
                };
                let Some(i) = target else {
                    warnings.push(Warning::at(
                        seg,
                        "unknown_traveller_reference",
                        "SSR DOCS with no traveller",
                    ));
                    return;
                };
                if let Some(text) = docs_birth_warning(&free, &d, self.reference) {
                    warnings.push(Warning::at(seg, "implausible_birth_date", text));
                }
                apply_docs(&mut self.msg.travellers[i], &d);
            }
            "DOCO" => {
                if let Some(i) = target {
                    apply_doco(&mut self.msg.travellers[i], &free, self.reference);
                }
            }
            "DOCA" => {
                if let Some(i) = target {
                    apply_doca(&mut self.msg.travellers[i], &free);
                }
            }
            "CTCE" | "CTCM" | "CTCH" | "CTCB" | "CTCR" => {
                let value = if code == "CTCE" {
                    decode_email(&free)
                } else {
                    free.trim().to_string()
                };
                let contact = Contact {
                    kind: contact_kind(&code).into(),
                    value,
                };
                match target {
                    Some(i) => self.msg.travellers[i].contacts.push(contact),
                    None => {
                        if let Some(b) = self.booking() {
                            b.contacts.push(contact);
                        }
                    }
                }
            }
            "SEAT" => {
                for e in 1..seg.element_count() {
                    let seat = seg.text(e, 0).trim().to_string();
                    if seat.is_empty() {
                        continue;
                    }
                    let owner = non_empty(seg.text(e, 2))
                        .and_then(|r| self.traveller_by_ref(&r))
                        .or(target);
                    if let Some(i) = owner {
                        let t = &mut self.msg.travellers[i];
                        if !t.seats.contains(&seat) {
                            t.seats.push(seat);
                        }
                    }
                }
            }
            "TKNE" => {
                if let Some(i) = target {
                    let t = &mut self.msg.travellers[i];
                    if let Some(n) = free
                        .split_whitespace()
                        .find(|w| w.len() >= 10 && w.chars().all(|c| c.is_ascii_digit()))
                        && !t.tickets.iter().any(|x| x == n)
                    {
                        t.tickets.push(n.to_string());
                    }
                }
            }
            _ => {
                let text = if free.is_empty() {
                    code.clone()
                } else {
                    format!("{code} {free}")
                };
                if let Some(b) = self.booking() {
                    b.services.push(text);
                }
            }
        }
    }

    fn ift(&mut self, seg: &Segment<'_>) {
        let text = (1..seg.element_count())
            .map(|e| seg.text(e, 0))
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_string();
        if text.is_empty() {
            return;
        }
        if let Some(category) = self.filter.text_category(&text) {
            let category = category.to_string();
            self.drop_sensitive(&category);
            return;
        }
        if self.section == Section::History {
            return;
        }
        if let Some(rest) = text.strip_prefix("CTC") {
            let (kind, value) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
            let code = format!("CTC{kind}");
            let value = if kind == "E" {
                decode_email(value)
            } else {
                value.trim().to_string()
            };
            let contact = Contact {
                kind: contact_kind(&code).into(),
                value,
            };
            match (self.section, self.current) {
                (Section::BookingHeader, Some(i)) => self.msg.travellers[i].contacts.push(contact),
                _ => {
                    if let Some(b) = self.booking() {
                        b.contacts.push(contact);
                    }
                }
            }
            return;
        }
        if let Some(b) = self.booking() {
            b.remarks.push(text);
        }
    }
}

/// The element of `seg` whose first component ends with a glued `TIF` tag, when what follows looks like a TIF
/// (a surname, then given names with a traveller reference).
fn merged_tif_at(seg: &Segment<'_>) -> Option<usize> {
    (0..seg.element_count()).find(|&e| {
        let t = seg.text(e, 0);
        t.len() > 3
            && t.ends_with("TIF")
            && seg.get(e, 1).is_none()
            && seg
                .text(e + 1, 0)
                .chars()
                .all(|c| c.is_ascii_uppercase() || c == ' ' || c == '-')
            && !seg.text(e + 1, 0).is_empty()
            && !seg.text(e + 2, 0).is_empty()
    })
}

fn contact_kind(code: &str) -> &'static str {
    match code {
        "CTCE" => "email",
        "CTCM" => "mobile",
        "CTCH" => "home phone",
        "CTCB" => "business phone",
        "CTCT" => "travel agent phone",
        "CTCR" => "refused",
        _ => "phone",
    }
}

/// The warning text when the birth date of SSR DOCS text `free` (read as `d`) is implausibly old.
pub(crate) fn docs_birth_warning(
    free: &str,
    d: &DocsFields,
    reference: ReferenceDate,
) -> Option<String> {
    let iso = d.birth_date.as_deref()?;
    let written = free.trim().trim_start_matches('/').split('/').nth(4)?;
    implausible_birth(written.trim(), iso, reference)
}

/// Applies SSR DOCO text (`PLACE OF BIRTH/TYPE/NUMBER/PLACE OF ISSUE/ISSUE DATE/COUNTRY`: a visa or other
/// document) to a traveller.
pub(crate) fn apply_doco(t: &mut Traveller, free: &str, reference: ReferenceDate) {
    let parts: Vec<&str> = free.split('/').map(str::trim).collect();
    if parts.len() < 3 {
        return;
    }
    let number = parts[2].to_string();
    if !number.is_empty() && !t.documents.iter().any(|d| d.number == number) {
        t.documents.push(TravelDocument {
            class: DocumentClass::from_code(parts[1]),
            code: parts[1].to_string(),
            number,
            issuing_state: parts.get(5).and_then(|s| non_empty(s)),
            expiry_date: None,
            issue_date: parts
                .get(4)
                .and_then(|s| ddmmmyy(s, DateRole::Issue, reference)),
            place_of_issue: parts.get(3).and_then(|s| non_empty(s)),
        });
    }
    if t.birth_place.is_none() {
        t.birth_place = non_empty(parts[0]);
    }
}

/// Applies SSR DOCA text (an address) to a traveller as an address contact.
pub(crate) fn apply_doca(t: &mut Traveller, free: &str) {
    let text = free.trim_start_matches('/').replace('/', ", ");
    t.contacts.push(Contact {
        kind: "address".into(),
        value: text,
    });
}

pub(crate) fn apply_docs(t: &mut Traveller, d: &DocsFields) {
    if !d.surname.is_empty() {
        t.surname = d.surname.clone();
        if !d.given_names.is_empty() {
            t.given_names = d.given_names.clone();
        }
    }
    if d.birth_date.is_some() && t.birth_date.is_none() {
        t.birth_date = d.birth_date.clone();
    }
    if !d.gender.is_empty() && t.gender.is_none() {
        t.gender = Some(d.gender.clone());
    }
    if !d.nationality.is_empty() && t.nationality.is_none() {
        t.nationality = Some(d.nationality.clone());
    }
    if !d.number.is_empty() && !t.documents.iter().any(|x| x.number == d.number) {
        t.documents.push(TravelDocument {
            class: match DocumentClass::from_code(&d.document_type) {
                DocumentClass::Other if d.document_type.is_empty() => DocumentClass::Passport,
                c => c,
            },
            code: d.document_type.clone(),
            number: d.number.clone(),
            issuing_state: non_empty(&d.issuing_state),
            expiry_date: d.expiry_date.clone(),
            issue_date: None,
            place_of_issue: None,
        });
    }
}

/// Reads a PNRGOV message from its segments (UNH..UNT).
pub fn parse_pnrgov(
    segments: &[Segment<'_>],
    reference: ReferenceDate,
    filter: &SensitiveDataFilter,
    warnings: &mut Vec<Warning>,
) -> PnrgovMessage {
    let mut r = PnrReader {
        filter,
        reference,
        msg: PnrgovMessage {
            reference: String::new(),
            version: String::new(),
            flight: Flight::default(),
            bookings: Vec::new(),
            travellers: Vec::new(),
            sensitive_dropped: DroppedCounts::default(),
        },
        section: Section::MessageHeader,
        current: None,
        checkin: None,
    };
    for seg in segments {
        let seg = &seg;
        // A TIF glued to the end of a header segment (`ORG+...+9TIF+KIM:I+KONG CHUN MRS:A:3`): the terminator is
        // missing in the source. The segment is read as usual, then the traveller, with a warning.
        let merged = match (seg.tag(), r.section) {
            ("IFT" | "SSR" | "TIF" | "LTS", _) => None,
            (_, Section::BookingHeader) => merged_tif_at(seg),
            _ => None,
        };
        if let Some(e) = merged {
            warnings.push(Warning::at(
                seg,
                "merged_segment",
                format!(
                    "element {} \"{}\" ends with TIF: a TIF segment seems merged into this {} (missing terminator)",
                    e + 1,
                    seg.text(e, 0),
                    seg.tag()
                ),
            ));
        }
        match (seg.tag(), r.section) {
            ("UNH", _) => {
                r.msg.reference = seg.text(0, 0).to_string();
                r.msg.version = format!("{}.{}", seg.text(1, 1), seg.text(1, 2));
            }
            ("TVL", Section::MessageHeader) => {
                r.msg.flight.legs.push(leg_from_tvl(seg, reference));
            }
            ("SRC", _) => {
                r.msg.bookings.push(Booking {
                    segment: seg.index,
                    ..Booking::default()
                });
                r.section = Section::BookingHeader;
                r.current = None;
                r.checkin = None;
            }
            (_, Section::MessageHeader) => {}
            ("RCI", Section::BookingHeader) => {
                let locator = seg.text(0, 1).to_string();
                // Creation date and time (C330: company, locator, type, date DDMMYY, time); some carriers leave
                // out the type, so the first six-digit component after the locator is the date.
                let created = (2..=3)
                    .find(|&c| {
                        seg.text(0, c).len() == 6
                            && seg.text(0, c).bytes().all(|b| b.is_ascii_digit())
                    })
                    .and_then(|c| ddmmyy(seg.text(0, c), seg.text(0, c + 1), reference));
                let others: Vec<String> = (1..seg.element_count())
                    .map(|e| format!("{}:{}", seg.text(e, 0), seg.text(e, 1)))
                    .filter(|s| s.len() > 1)
                    .collect();
                if let Some(b) = r.booking()
                    && b.record_locator.is_empty()
                {
                    b.record_locator = locator;
                    b.created = created;
                    b.other_locators = others;
                }
            }
            ("DAT", Section::BookingHeader) => {
                // DAT 700: latest PNR transaction; 710: ticket issue.
                for e in 0..seg.element_count() {
                    let d = ddmmyy(seg.text(e, 1), seg.text(e, 2), reference);
                    if let Some(b) = r.booking() {
                        match seg.text(e, 0) {
                            "700" => b.last_transaction = d,
                            "710" if b.ticket_issued.is_none() => b.ticket_issued = d,
                            _ => {}
                        }
                    }
                }
            }
            ("ORG", Section::BookingHeader) => {
                let agency = Agency {
                    system: seg.text(0, 0).to_string(),
                    location: seg.text(0, 1).to_string(),
                    iata_number: non_empty(seg.text(1, 0)),
                    office: non_empty(seg.text(1, 1)),
                    originator_type: non_empty(seg.text(4, 0)),
                    country: non_empty(seg.text(5, 0)),
                };
                if let Some(b) = r.booking()
                    && b.agency.is_none()
                {
                    b.agency = Some(agency);
                }
            }
            ("ADD", Section::BookingHeader) => {
                let value = seg
                    .components(1)
                    .into_iter()
                    .skip(1)
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", ");
                let contact = Contact {
                    kind: "address".into(),
                    value,
                };
                match r.current {
                    Some(i) => r.msg.travellers[i].contacts.push(contact),
                    None => {
                        if let Some(b) = r.booking() {
                            b.contacts.push(contact);
                        }
                    }
                }
            }
            ("TIF", _) => r.tif(seg, warnings),
            ("FTI", Section::BookingHeader) => {
                if let Some(i) = r.current {
                    let ff = format!("{} {}", seg.text(0, 0), seg.text(0, 1))
                        .trim()
                        .to_string();
                    r.msg.travellers[i].frequent_flyer.push(ff);
                }
            }
            ("TKT", Section::BookingHeader) => {
                if let (Some(i), Some(n)) = (r.current, non_empty(seg.text(0, 0))) {
                    let t = &mut r.msg.travellers[i];
                    if !t.tickets.contains(&n) {
                        t.tickets.push(n);
                    }
                }
            }
            ("FOP", Section::BookingHeader) => {
                for e in 0..seg.element_count() {
                    let kind = seg.text(e, 0).to_string();
                    if kind.is_empty() {
                        continue;
                    }
                    let p = Payment {
                        kind,
                        amount: non_empty(seg.text(e, 2)),
                        vendor: non_empty(seg.text(e, 3)),
                        masked_card: non_empty(seg.text(e, 4)),
                    };
                    if let Some(b) = r.booking()
                        && !b.payments.contains(&p)
                    {
                        b.payments.push(p);
                    }
                }
            }
            ("SSR", _) => r.ssr(seg, warnings),
            ("IFT", _) => r.ift(seg),
            ("LTS", _) => {
                r.section = Section::History;
                let text = seg.text(0, 0).to_string();
                if let Some(category) = r.filter.text_category(&text) {
                    let category = category.to_string();
                    r.drop_sensitive(&category);
                } else if let Some(b) = r.booking() {
                    b.history.push(text);
                }
            }
            ("ABI", _) => r.section = Section::History,
            (_, Section::History) => {}
            ("TVL", _) => {
                r.section = Section::Itinerary;
                let leg = leg_from_tvl(seg, reference);
                if (leg.departure_airport.is_some() || leg.arrival_airport.is_some())
                    && let Some(b) = r.booking()
                    && !b.itinerary.contains(&leg)
                {
                    b.itinerary.push(leg);
                }
            }
            ("TRI", _) => {
                r.section = Section::CheckIn;
                r.checkin = None;
            }
            ("SSD", Section::CheckIn) => {
                if let (Some(i), Some(seat)) = (r.checkin, non_empty(seg.text(0, 0))) {
                    let t = &mut r.msg.travellers[i];
                    if !t.seats.contains(&seat) {
                        t.seats.push(seat);
                    }
                }
            }
            ("TBD", Section::CheckIn) => {
                if let Some(i) = r.checkin {
                    for e in 3..seg.element_count() {
                        let tag = format!("{}{}", seg.text(e, 0).trim(), seg.text(e, 1).trim());
                        if !seg.text(e, 1).trim().is_empty() {
                            let t = &mut r.msg.travellers[i];
                            if !t.bag_tags.contains(&tag) {
                                t.bag_tags.push(tag);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some(e) = merged {
            r.merged_tif(seg, e + 1, warnings);
        }
    }
    for t in &mut r.msg.travellers {
        t.choose_document();
    }
    r.msg.flight.summarise();
    if r.msg.flight.legs.is_empty()
        && let Some(first) = segments.first()
    {
        warnings.push(Warning::at(
            first,
            "missing_flight",
            "message header has no TVL flight",
        ));
    }
    for b in &r.msg.bookings {
        if b.travellers.is_empty()
            && let Some(seg) = segments.iter().find(|s| s.index == b.segment)
        {
            warnings.push(Warning::at(
                seg,
                "booking_without_travellers",
                "booking (SRC group) has no TIF traveller",
            ));
        }
    }
    r.msg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_text() {
        let d = parse_docs(
            "/P/GBR/123456789/GBR/12JUL64/M/23AUG19/SMITHJR/JONATHON/ROBERT",
            (2010, 12, 9),
        )
        .unwrap();
        assert_eq!(d.number, "123456789");
        assert_eq!(d.birth_date.as_deref(), Some("1964-07-12"));
        assert_eq!(d.expiry_date.as_deref(), Some("2019-08-23"));
        assert_eq!(
            (d.surname.as_str(), d.given_names.as_str()),
            ("SMITHJR", "JONATHON ROBERT")
        );
        let d = parse_docs("/////05FEB53/F//DORON/NINA", (2013, 5, 23)).unwrap();
        assert_eq!(d.number, "");
        assert_eq!(d.birth_date.as_deref(), Some("1953-02-05"));
        assert!(parse_docs("/P/GBR", (2010, 1, 1)).is_none());
        assert_eq!(
            decode_email("REUBEN..SERIO//GMAIL.COM"),
            "REUBEN_SERIO@GMAIL.COM"
        );
    }

    #[test]
    fn segments_table() {
        let text = "UNH+1+PNRGOV:13:1:IA+X'MSG+:22'ORG+ZZ:AAA'TVL+010326:1000:010326:1300+AAA+BBB+ZZ+101'EQN+1'\
            SRC'RCI+ZZ:QWE123::150226:0900'ORG+1A:AAA+12345678:OFF1+AAA++T+NL'TIF+DOE+JANEMRS:A:1'\
            SSR+DOCS:HK::ZZ:::::/P/NLD/NX1234567/NLD/02JAN90/F/01JAN30/DOE/JANE/MARY'SSR+MOML:HK:1:ZZ'\
            IFT+4:28::ZZ+CTCE JANE.DOE//EXAMPLE.NL'FOP+CA::250.00'TVL+010326:1000::1300+AAA+BBB+ZZ+101:Y'\
            SSR+SEAT:HK:1:ZZ:::AAA:BBB+12C::1'TRI++1:::1'TIF+DOE+JANEMRS:A:1'SSD+12C'ABI+1'TIF+GONE+PERSONMR:A:2'\
            SSR+KSML:HK:1:ZZ'UNT+21+1'";
        let parsed = interdict_edifact::parse(text.as_bytes());
        let segs: Vec<Segment<'_>> = parsed.segments.iter().collect();
        let mut w = Vec::new();
        let m = parse_pnrgov(
            &segs,
            (2026, 2, 15),
            &SensitiveDataFilter::default(),
            &mut w,
        );
        assert_eq!(
            m.travellers.len(),
            1,
            "history TIF does not add a traveller"
        );
        let t = &m.travellers[0];
        assert_eq!(
            (t.surname.as_str(), t.given_names.as_str()),
            ("DOE", "JANE MARY")
        );
        assert_eq!(t.document_number.as_deref(), Some("NX1234567"));
        assert_eq!(t.birth_date.as_deref(), Some("1990-01-02"));
        assert_eq!(t.seats, vec!["12C"]);
        assert_eq!(t.contacts[0].value, "JANE.DOE@EXAMPLE.NL");
        let b = &m.bookings[0];
        assert_eq!(b.record_locator, "QWE123");
        assert_eq!(b.created.as_deref(), Some("2026-02-15T09:00"));
        assert_eq!(b.payments[0].kind, "CA");
        assert_eq!(
            b.agency.as_ref().unwrap().originator_type.as_deref(),
            Some("T")
        );
        assert_eq!(m.sensitive_dropped.total, 2);
        assert_eq!(m.sensitive_dropped.by_category.get("religion"), Some(&2));
        assert!(!format!("{m:?}").contains("MOML") && !format!("{m:?}").contains("KSML"));
        assert!(w.is_empty(), "{w:?}");
    }
}
