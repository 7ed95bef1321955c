//! The entity model shared by every Interdict lane.
//!
//! An [`Entity`] is a person, organisation, vessel or aircraft as a list publishes it, or as a screening query
//! describes it: several [`Name`]s (each with a [`NameKind`]), partial and approximate dates of birth
//! ([`DateOfBirth`]), places, nationalities and countries as ISO 3166 alpha-2 [`Country`] codes, identity
//! [`Document`]s and [`ListMembership`]s (dataset, reference number, programme, listed-on date, remarks).
//!
//! The model is plain data: importers in `interdict-lists` build it, `interdict-screen` compares it.
//!
//! ```
//! use interdict_model::{Entity, Schema, Name, NameKind, PartialDate, DateOfBirth, Country};
//!
//! let mut e = Entity::new("QDi.325", Schema::Person);
//! e.names.push(Name::new("ABOU MOHAMED AL ADNANI", NameKind::Primary));
//! e.birth_dates.push(DateOfBirth::Exact("1977".parse::<PartialDate>().unwrap()));
//! e.nationalities.push(Country::from_code("sy").unwrap());
//! assert_eq!(e.primary_name(), Some("ABOU MOHAMED AL ADNANI"));
//! ```

mod country;
mod country_names;
mod date;
mod entity;
mod error;

pub use country::Country;
pub use date::{DateOfBirth, PartialDate};
pub use entity::{
    Document, DocumentKind, Entity, Gender, ListMembership, Name, NameKind, Place, Schema,
    normalize_document_number,
};
pub use error::ModelError;
