//! PNRGOV in XML (IATA `IATA_PNRGOV_NotifRQ`, namespace `http://www.iata.org/IATA/2007/00`) read into the same
//! model as the EDIFACT push ([`PnrgovMessage`]). Element and attribute names are matched by local name, so
//! namespace prefixes do not matter, and `PNR` elements are found at any depth (carriers' test files wrap them in
//! their own roots). What is read:
//!
//! | XML | model |
//! |---|---|
//! | root `EchoToken`, `Version`; `PNR/@PNR_TransDate` (else root `TimeStamp`) | message reference, version, date two-digit years pivot on |
//! | `FlightLeg` outside any `PNR` (else the distinct `PNR/Flight` legs) | `flight` |
//! | `PNR/BookingRefID/@ID` (first; others as `CODE:ID`), `@PNR_CreationDate`, `@PNR_TransDate` | booking locator, other locators, created, last transaction |
//! | `PNR/Passenger`: `Surname`, `GivenName`, `MiddleName`, `@RPH`, `@PassengerTypeCode`/`@PTC` `INF` | traveller (infants take role `other`) |
//! | `Passenger/DOC_SSR[@SSRCode]/DOCS` attributes (`DocType`, `DocID`, `DocIssueCountry`, `DocHolderNationality`, `DateOfBirth`, `Gender`, `DocExpireDate`, `Surname`, `FirstGivenName`, `SecondGivenName`) | document, birth date, nationality, gender; DOCS names replace booking names |
//! | `PNR/Flight`: `@DepartureDateTime`, `@ArrivalDateTime`, `@FlightNumber`, `@ResBookDesigCode`, `DepartureAirport`/`ArrivalAirport@LocationCode`, `MarketingAirline`/`OperatingAirline@Code` | itinerary leg |
//! | `SSR[@SSRCode, @RPH, @Status]/Text` (DOCS, DOCO, DOCA free text as in EDIFACT; others kept as services) | same as the EDIFACT SSR |
//! | `Remark`, `OSI` text | booking remarks |
//!
//! SSR codes and remark words in the [`SensitiveDataFilter`] are dropped and counted; SSRs with a cancelled
//! status are ignored. Malformed XML ends the reading at the error, which becomes a warning with its line and
//! column; everything read before it is kept. Nothing panics.

use crate::dates::{DateRole, ReferenceDate, ddmmmyy, iso_date, reference_from_iso};
use crate::message::{ParsedMessage, TravelFile, TravelMessage};
use crate::names::join_given;
use crate::pnrgov::{
    Booking, DocsFields, PnrgovMessage, apply_doca, apply_doco, apply_docs, cancelled_status,
    docs_birth_warning, parse_docs,
};
use crate::sensitive::{DroppedCounts, SensitiveDataFilter};
use crate::traveller::{Flight, FlightLeg, Traveller, TravellerRole, Warning};

/// An element of the document: local name, attributes (local names), text, children and where it starts.
#[derive(Debug, Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
    offset: usize,
}

impl Node {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The first of several attribute spellings that is present.
    fn attr_any(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|n| self.attr(n))
    }

    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name)
            .map(|c| c.text.trim())
            .filter(|t| !t.is_empty())
    }

    /// Every descendant named `name`, not looking inside a match.
    fn find_all<'a>(&'a self, name: &str, out: &mut Vec<&'a Node>) {
        for c in &self.children {
            if c.name == name {
                out.push(c);
            } else {
                c.find_all(name, out);
            }
        }
    }
}

/// Line and column (1-based, column in bytes) of byte offsets in the input.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(input: &[u8]) -> Self {
        let mut starts = vec![0];
        starts.extend(
            input
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    fn warning(&self, offset: usize, tag: Option<&str>, code: &str, message: String) -> Warning {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let column = offset - self.starts[line - 1] + 1;
        Warning {
            code: code.to_string(),
            message,
            line: line as u32,
            column: column as u32,
            offset,
            segment: None,
            tag: tag.map(str::to_string),
        }
    }
}

/// Whether `input` looks like XML (its first non-blank character, after a byte-order mark, is `<`).
pub fn looks_like_xml(input: &[u8]) -> bool {
    let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
    input
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'<')
}

/// Deeper nesting is refused (a PNR is a few levels deep; the limit bounds recursion).
const MAX_DEPTH: usize = 256;

/// Builds the element tree. A syntax error ends the reading: the error (with its byte offset) is returned with
/// the elements read so far, open elements closed.
fn parse_tree(input: &[u8]) -> (Node, Option<(usize, String)>) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(input);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    let mut stack: Vec<Node> = vec![Node::default()];
    let mut buf = Vec::new();
    let mut error = None;
    loop {
        buf.clear();
        let at = reader.buffer_position() as usize;
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => {
                error = Some((reader.error_position() as usize, e.to_string()));
                break;
            }
        };
        match event {
            Event::Start(_) if stack.len() > MAX_DEPTH => {
                error = Some((
                    at,
                    format!("elements nested deeper than {MAX_DEPTH} levels"),
                ));
                break;
            }
            Event::Start(e) => match open(&e, at) {
                Ok(node) => stack.push(node),
                Err(m) => {
                    error = Some((at, m));
                    break;
                }
            },
            Event::Empty(e) => match open(&e, at) {
                Ok(node) => {
                    if let Some(parent) = stack.last_mut() {
                        parent.children.push(node);
                    }
                }
                Err(m) => {
                    error = Some((at, m));
                    break;
                }
            },
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(node) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.children.push(node);
                }
            }
            Event::Text(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::CData(t) => {
                if let Some(n) = stack.last_mut() {
                    n.text.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::GeneralRef(r) => {
                let c = if r.is_char_ref() {
                    r.resolve_char_ref().ok().flatten()
                } else {
                    match &*r {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    }
                };
                if let Some(n) = stack.last_mut() {
                    match c {
                        Some(c) => n.text.push(c),
                        None => {
                            n.text.push('&');
                            n.text.push_str(&String::from_utf8_lossy(&r));
                            n.text.push(';');
                        }
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    while stack.len() > 1 {
        if let Some(node) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(node);
        }
    }
    (stack.pop().unwrap_or_default(), error)
}

fn open(e: &quick_xml::events::BytesStart<'_>, offset: usize) -> Result<Node, String> {
    let mut attributes = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("bad attribute: {e}"))?;
        let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
        let value = match a.unescape_value() {
            Ok(v) => v.into_owned(),
            Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
        };
        attributes.push((key, value));
    }
    Ok(Node {
        name: String::from_utf8_lossy(e.local_name().as_ref()).into_owned(),
        attributes,
        text: String::new(),
        children: Vec::new(),
        offset,
    })
}

/// An XML date or date-time (`2024-01-01`, `2024-01-01T10:15:00`) as ISO `YYYY-MM-DD[THH:MM]`, or a DDMMMYY
/// date in the given role.
fn xml_date(value: &str, role: DateRole, reference: ReferenceDate) -> Option<String> {
    let v = value.trim();
    if !v.is_ascii() {
        return None;
    }
    if v.len() >= 10 && v.as_bytes()[4] == b'-' {
        let (y, m, d) = reference_from_iso(v)?;
        let date = iso_date(y, m, d)?;
        let time = v.get(11..16).filter(|t| {
            v.as_bytes()[10] == b'T'
                && t.as_bytes()[2] == b':'
                && t.bytes()
                    .enumerate()
                    .all(|(i, b)| i == 2 || b.is_ascii_digit())
        });
        return Some(match time {
            Some(t) => format!("{date}T{t}"),
            None => date,
        });
    }
    ddmmmyy(v, role, reference)
}

struct XmlReader<'a> {
    filter: &'a SensitiveDataFilter,
    reference: ReferenceDate,
    lines: LineIndex,
    warnings: Vec<Warning>,
    dropped: DroppedCounts,
    travellers: Vec<Traveller>,
}

impl XmlReader<'_> {
    fn warn(&mut self, node: &Node, code: &str, message: String) {
        let w = self
            .lines
            .warning(node.offset, Some(&node.name), code, message);
        self.warnings.push(w);
    }

    /// Whether an SSR with this code (or remark text) must be dropped; counts the drop.
    fn sensitive(&mut self, code: &str, text: &str) -> bool {
        let category = self
            .filter
            .ssr_category(code)
            .or_else(|| self.filter.text_category(text));
        match category {
            Some(c) => {
                let c = c.to_string();
                self.dropped.add(&c);
                true
            }
            None => false,
        }
    }

    fn leg(&self, f: &Node) -> FlightLeg {
        let code =
            |name: &str, attr: &str| f.child(name).and_then(|n| n.attr(attr)).map(str::to_string);
        let carrier =
            code("MarketingAirline", "Code").or_else(|| f.attr("CarrierCode").map(str::to_string));
        let operating = code("OperatingAirline", "Code").filter(|o| Some(o) != carrier.as_ref());
        FlightLeg {
            carrier,
            operating_carrier: operating,
            number: f.attr("FlightNumber").map(str::to_string),
            departure_airport: code("DepartureAirport", "LocationCode"),
            departure_time: f
                .attr("DepartureDateTime")
                .and_then(|d| xml_date(d, DateRole::Other, self.reference)),
            arrival_airport: code("ArrivalAirport", "LocationCode"),
            arrival_time: f
                .attr("ArrivalDateTime")
                .and_then(|d| xml_date(d, DateRole::Other, self.reference)),
            booking_class: f.attr("ResBookDesigCode").map(str::to_string),
        }
    }

    fn docs_from_attributes(&self, d: &Node) -> DocsFields {
        let s = |names: &[&str]| d.attr_any(names).unwrap_or("").to_string();
        let given: Vec<&str> = [
            "FirstGivenName",
            "SecondGivenName",
            "GivenName",
            "MiddleName",
        ]
        .iter()
        .filter_map(|n| d.attr(n))
        .collect();
        DocsFields {
            document_type: s(&["DocType"]),
            issuing_state: s(&["DocIssueCountry", "DocIssueStateProv"]),
            number: s(&["DocID", "DocNumber"]),
            nationality: s(&["DocHolderNationality", "Nationality"]),
            birth_date: d
                .attr_any(&["DateOfBirth", "BirthDate"])
                .and_then(|v| xml_date(v, DateRole::Birth, self.reference)),
            gender: s(&["Gender"]),
            expiry_date: d
                .attr_any(&["DocExpireDate", "ExpireDate", "ExpiryDate"])
                .and_then(|v| xml_date(v, DateRole::Expiry, self.reference)),
            surname: s(&["Surname"]),
            given_names: join_given(&given),
        }
    }

    /// Applies one SSR (code, free text) to traveller `t` of the booking.
    fn apply_ssr(&mut self, node: &Node, code: &str, text: &str, t: usize) {
        match code {
            "DOCS" => match parse_docs(text, self.reference) {
                Some(d) => {
                    if let Some(m) = docs_birth_warning(text, &d, self.reference) {
                        self.warn(node, "implausible_birth_date", m);
                    }
                    apply_docs(&mut self.travellers[t], &d);
                }
                None => self.warn(
                    node,
                    "invalid_ssr_docs",
                    format!("SSR DOCS text \"{text}\" has fewer than 8 fields"),
                ),
            },
            "DOCO" => apply_doco(&mut self.travellers[t], text, self.reference),
            "DOCA" => apply_doca(&mut self.travellers[t], text),
            "SEAT" if !text.is_empty() => self.travellers[t].seats.push(text.to_string()),
            "TKNE" if !text.is_empty() => self.travellers[t].tickets.push(text.to_string()),
            _ => {}
        }
    }

    fn passenger(&mut self, p: &Node, booking: &mut Booking) {
        let surname = p
            .child_text("Surname")
            .or_else(|| p.child("PersonName").and_then(|n| n.child_text("Surname")))
            .unwrap_or("")
            .to_string();
        let name_node = p.child("PersonName").unwrap_or(p);
        let given: Vec<&str> = ["GivenName", "MiddleName"]
            .iter()
            .flat_map(|n| name_node.children_named(n))
            .map(|n| n.text.trim())
            .collect();
        let infant = p
            .attr_any(&["PassengerTypeCode", "PTC"])
            .is_some_and(|c| c.eq_ignore_ascii_case("INF"));
        let mut t = Traveller::new(
            if infant {
                TravellerRole::Other
            } else {
                TravellerRole::Passenger
            },
            0,
        );
        t.surname = surname;
        t.given_names = join_given(&given);
        t.traveller_reference = p.attr_any(&["RPH", "SurnameRefNumber"]).map(str::to_string);
        t.booking_reference =
            (!booking.record_locator.is_empty()).then(|| booking.record_locator.clone());
        if t.surname.is_empty() {
            self.warn(p, "missing_name", "passenger without a surname".to_string());
        }
        let i = self.travellers.len();
        self.travellers.push(t);
        booking.travellers.push(i);
        for ssr in p.children_named("DOC_SSR") {
            let code = ssr.attr("SSRCode").unwrap_or("").to_ascii_uppercase();
            if ssr.attr("Status").is_some_and(cancelled_status) {
                continue;
            }
            if self.sensitive(&code, "") {
                continue;
            }
            match ssr.child(&code) {
                Some(d) if code == "DOCS" => {
                    let fields = self.docs_from_attributes(d);
                    apply_docs(&mut self.travellers[i], &fields);
                }
                Some(d) if code == "DOCO" => {
                    let text = [
                        d.attr("PlaceOfBirth").unwrap_or(""),
                        d.attr("DocType").unwrap_or(""),
                        d.attr("DocID").unwrap_or(""),
                        d.attr("PlaceOfIssue").unwrap_or(""),
                        d.attr("DateOfIssue").unwrap_or(""),
                        d.attr("ApplicableCountry").unwrap_or(""),
                    ]
                    .join("/");
                    apply_doco(&mut self.travellers[i], &text, self.reference);
                }
                Some(d) if code == "DOCA" => {
                    let text: Vec<&str> = d
                        .attributes
                        .iter()
                        .map(|(_, v)| v.trim())
                        .filter(|v| !v.is_empty())
                        .collect();
                    apply_doca(&mut self.travellers[i], &text.join("/"));
                }
                _ => {
                    let text = ssr.child_text("Text").unwrap_or("").to_string();
                    self.apply_ssr(ssr, &code, &text, i);
                }
            }
        }
    }

    fn pnr(&mut self, pnr: &Node) -> Booking {
        let mut booking = Booking::default();
        let mut refs = Vec::new();
        pnr.find_all("BookingRefID", &mut refs);
        for r in refs {
            let Some(id) = r.attr("ID") else { continue };
            let company = r.child("CompanyName").and_then(|c| c.attr("Code"));
            if booking.record_locator.is_empty() {
                booking.record_locator = id.to_string();
            } else if id != booking.record_locator {
                let other = format!("{}:{id}", company.unwrap_or(""));
                if !booking.other_locators.contains(&other) {
                    booking.other_locators.push(other);
                }
            }
        }
        if booking.record_locator.is_empty() {
            self.warn(
                pnr,
                "missing_locator",
                "PNR without a BookingRefID ID".to_string(),
            );
        }
        booking.created = pnr
            .attr("PNR_CreationDate")
            .and_then(|d| xml_date(d, DateRole::Other, self.reference));
        booking.last_transaction = pnr
            .attr("PNR_TransDate")
            .and_then(|d| xml_date(d, DateRole::Other, self.reference));
        for p in pnr.children_named("Passenger") {
            self.passenger(p, &mut booking);
        }
        if let Some(declared) = pnr.attr("NumberOfPassengers")
            && declared.parse::<usize>().ok() != Some(booking.travellers.len())
        {
            self.warn(
                pnr,
                "count_mismatch",
                format!(
                    "PNR declares NumberOfPassengers=\"{declared}\" but has {} Passenger elements",
                    booking.travellers.len()
                ),
            );
        }
        for f in pnr.children_named("Flight") {
            booking.itinerary.push(self.leg(f));
            for ssr in f.children_named("SSR") {
                self.flight_ssr(ssr, &mut booking);
            }
        }
        for name in ["Remark", "OSI"] {
            let mut remarks = Vec::new();
            pnr.find_all(name, &mut remarks);
            for r in remarks {
                let text = r.text.trim();
                if text.is_empty() || self.sensitive("", text) {
                    continue;
                }
                booking.remarks.push(text.to_string());
            }
        }
        booking
    }

    /// An SSR under a flight: applied to the traveller its RPH names (or the booking's only traveller).
    fn flight_ssr(&mut self, ssr: &Node, booking: &mut Booking) {
        let code = ssr.attr("SSRCode").unwrap_or("").to_ascii_uppercase();
        let text = ssr.child_text("Text").unwrap_or("").to_string();
        if ssr.attr("Status").is_some_and(cancelled_status) || self.sensitive(&code, &text) {
            return;
        }
        let rph = ssr.attr("RPH");
        let target = match rph {
            Some(r) => booking
                .travellers
                .iter()
                .copied()
                .find(|&i| self.travellers[i].traveller_reference.as_deref() == Some(r)),
            None if booking.travellers.len() == 1 => Some(booking.travellers[0]),
            None => None,
        };
        match (target, code.as_str()) {
            (Some(t), "DOCS" | "DOCO" | "DOCA" | "SEAT" | "TKNE") => {
                self.apply_ssr(ssr, &code, &text, t)
            }
            (None, "DOCS" | "DOCO" | "DOCA") => self.warn(
                ssr,
                "unknown_traveller_reference",
                format!(
                    "SSR {code} for RPH \"{}\", which is no passenger of booking {}",
                    rph.unwrap_or(""),
                    booking.record_locator
                ),
            ),
            _ => {
                let service = format!("{code} {text}").trim().to_string();
                if !service.is_empty() {
                    booking.services.push(service);
                }
            }
        }
    }
}

/// Reads a PNRGOV XML document into one [`PnrgovMessage`] (one booking per `PNR` element). Two-digit years
/// pivot on the first PNR's transaction date (else the root's `TimeStamp`, else `fallback_today`). Problems are
/// warnings with their line and column; a document without any `PNR` element gives no message.
pub fn read_pnrgov_xml(
    input: &[u8],
    filter: &SensitiveDataFilter,
    fallback_today: ReferenceDate,
) -> TravelFile {
    let lines = LineIndex::new(input);
    let (document, error) = parse_tree(input);
    let mut warnings = Vec::new();
    if let Some((offset, message)) = &error {
        warnings.push(lines.warning(
            *offset,
            None,
            "invalid_xml",
            format!("XML syntax error, reading stopped here: {message}"),
        ));
    }
    let Some(root) = document.children.first() else {
        if error.is_none() {
            warnings.push(lines.warning(0, None, "invalid_xml", "no XML element".to_string()));
        }
        return TravelFile {
            messages: Vec::new(),
            warnings,
        };
    };
    let mut pnrs = Vec::new();
    if root.name == "PNR" {
        pnrs.push(root);
    } else {
        root.find_all("PNR", &mut pnrs);
    }
    if pnrs.is_empty() {
        warnings.push(lines.warning(
            root.offset,
            Some(&root.name),
            "no_pnr",
            format!(
                "no PNR element in the XML document (root element {})",
                root.name
            ),
        ));
        return TravelFile {
            messages: Vec::new(),
            warnings,
        };
    }
    let reference = pnrs
        .iter()
        .find_map(|p| p.attr_any(&["PNR_TransDate", "PNR_CreationDate"]))
        .or_else(|| root.attr("TimeStamp"))
        .and_then(reference_from_iso)
        .unwrap_or(fallback_today);
    let mut r = XmlReader {
        filter,
        reference,
        lines,
        warnings,
        dropped: DroppedCounts::default(),
        travellers: Vec::new(),
    };
    if root.name != "IATA_PNRGOV_NotifRQ" {
        r.warn(
            root,
            "not_pnrgov_notification",
            format!(
                "root element {} is not IATA_PNRGOV_NotifRQ; its PNR elements are read anyway",
                root.name
            ),
        );
    }
    let bookings: Vec<Booking> = pnrs.iter().map(|p| r.pnr(p)).collect();
    let mut flight = Flight::default();
    let mut legs = Vec::new();
    root.find_all("FlightLeg", &mut legs);
    for leg in legs {
        flight.legs.push(r.leg(leg));
    }
    if flight.legs.is_empty() {
        for leg in bookings.iter().flat_map(|b| &b.itinerary) {
            if !flight.legs.iter().any(|l| {
                l.carrier == leg.carrier
                    && l.number == leg.number
                    && l.departure_airport == leg.departure_airport
                    && l.departure_time == leg.departure_time
            }) {
                flight.legs.push(leg.clone());
            }
        }
    }
    flight.summarise();
    let mut travellers = std::mem::take(&mut r.travellers);
    for t in &mut travellers {
        t.choose_document();
    }
    let mut warnings = std::mem::take(&mut r.warnings);
    warnings.sort_by_key(|w| w.offset);
    let message = PnrgovMessage {
        reference: root.attr("EchoToken").unwrap_or("").to_string(),
        version: root.attr("Version").unwrap_or("XML").to_string(),
        flight,
        bookings,
        travellers,
        sensitive_dropped: r.dropped,
    };
    TravelFile {
        messages: vec![ParsedMessage {
            message: TravelMessage::Pnrgov(message),
            warnings,
            reference_date: reference,
            sender: String::new(),
            recipient: String::new(),
        }],
        warnings: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_dates() {
        let reference = (2024, 1, 1);
        let cases = [
            (
                "2024-01-01T10:15:00",
                DateRole::Other,
                Some("2024-01-01T10:15"),
            ),
            ("1980-12-30", DateRole::Birth, Some("1980-12-30")),
            ("30DEC02", DateRole::Birth, Some("2002-12-30")),
            ("30AUG27", DateRole::Expiry, Some("2027-08-30")),
            ("2024-02-30", DateRole::Other, None),
            ("2024-01-01Tab:cd", DateRole::Other, Some("2024-01-01")),
            ("2\u{e9}24-01-01", DateRole::Other, None),
            ("", DateRole::Other, None),
        ];
        for (v, role, want) in cases {
            assert_eq!(xml_date(v, role, reference).as_deref(), want, "{v}");
        }
    }

    #[test]
    fn detection() {
        assert!(looks_like_xml(b"\xEF\xBB\xBF \n<PNR/>"));
        assert!(!looks_like_xml(b"UNA:+.? 'UNB+IATA:1'"));
        assert!(!looks_like_xml(b""));
    }

    #[test]
    fn malformed_xml_is_a_warning_with_position() {
        let input = b"<IATA_PNRGOV_NotifRQ>\n<PNR><BookingRefID ID=\"AB12CD\"/>\n<Passenger RPH=\"1\"><Surname>DOE</Surname><GivenName>JO</GivenName></Passenger>\n<Flight a=\"1\" a=\"2\"></Flight></PNR></IATA_PNRGOV_NotifRQ>";
        let f = read_pnrgov_xml(input, &SensitiveDataFilter::default(), (2026, 1, 1));
        let m = &f.messages[0];
        assert_eq!(m.message.travellers()[0].surname, "DOE");
        let w = m.warnings.iter().find(|w| w.code == "invalid_xml").unwrap();
        assert_eq!(w.line, 4, "{w:?}");
    }

    #[test]
    fn not_xml_enough() {
        let cases: &[&[u8]] = &[
            b"<",
            b"<a",
            b"<<<>>>",
            b"<a><b></a>",
            b"<?xml version=\"1.0\"?>",
            b"<x y='1",
        ];
        for input in cases {
            let f = read_pnrgov_xml(input, &SensitiveDataFilter::default(), (2026, 1, 1));
            assert!(f.messages.is_empty());
            assert!(!f.warnings.is_empty(), "{input:?}");
        }
    }
}
