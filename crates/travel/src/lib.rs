//! Traveller screening for a Passenger Information Unit: carrier messages (PAXLST advance passenger
//! information, PNRGOV passenger name records, CUSRES interactive-API answers) read leniently into travellers,
//! travel documents checked (ICAO 9303 machine-readable zones), every traveller screened against watchlists and
//! a lost/stolen document list, transparent targeting rules, and board / do-not-board answers under a policy.
//!
//! ```
//! use interdict_travel::{read_travel_file, SensitiveDataFilter, TravelMessage};
//!
//! let input = b"UNB+UNOA:4+ZZ+GOV+260301:0900+1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'\
//! TDT+20+ZZ101+++ZZ'LOC+125+AAA'DTM+189:2603011000:201'LOC+87+BBB'\
//! NAD+FL+++DOE:JANE:MARY'DTM+329:900102'NAT+2+NLD'DOC+P:110:111+NX1234567'CNT+42:1'UNT+12+1'UNZ+1+1'";
//! let file = read_travel_file(input, &SensitiveDataFilter::default(), (2026, 3, 1));
//! let TravelMessage::Paxlst(m) = &file.messages[0].message else { panic!() };
//! assert_eq!(m.travellers[0].given_names, "JANE MARY");
//! assert_eq!(m.travellers[0].birth_date.as_deref(), Some("1990-01-02"));
//! assert_eq!(m.flight.departure_airport.as_deref(), Some("AAA"));
//! ```

mod country_codes;
pub mod cusres;
pub mod dates;
mod error;
pub mod lost_stolen;
mod message;
pub mod mrz;
pub mod names;
pub mod paxlst;
pub mod pnrgov;
pub mod pnrgov_xml;
pub mod rules;
pub mod screening;
pub mod sensitive;
mod traveller;

pub use country_codes::country_from_code;
pub use cusres::{BoardingAction, CusresMessage, HitType, IapiPolicy};
pub use error::TravelError;
pub use lost_stolen::LostStolenList;
pub use message::{ParsedMessage, TravelFile, TravelMessage, read_parsed, read_travel_file};
pub use mrz::{
    DocumentMismatch, MrzCheck, MrzError, MrzField, MrzFields, MrzFormat, check_mrz, cross_check,
};
pub use paxlst::PaxlstMessage;
pub use pnrgov::PnrgovMessage;
pub use rules::{RuleHit, RuleSet};
pub use screening::{
    MessageScreening, TravellerHit, TravellerScreener, TravellerScreening, traveller_query,
};
pub use sensitive::{DroppedCounts, SensitiveDataFilter};
pub use traveller::{
    Contact, DocumentClass, Flight, FlightLeg, TravelDocument, Traveller, TravellerRole, Warning,
};
