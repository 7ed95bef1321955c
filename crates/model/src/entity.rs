//! Entities and their parts: names, documents, places, list membership.

use crate::{Country, DateOfBirth, ModelError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// What kind of thing an entity is (FollowTheMoney schema names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Schema {
    Person,
    Organization,
    /// A company, organisation or person not further specified; FollowTheMoney's `Company` maps here too.
    LegalEntity,
    Vessel,
    Aircraft,
}

impl Schema {
    /// Whether an entity of schema `self` can be the same thing as one of schema `other`.
    /// Persons match persons (and unspecified legal entities); organisations match organisations and legal
    /// entities; vessels and aircraft match their own kind only.
    pub fn can_match(self, other: Schema) -> bool {
        use Schema::*;
        match (self, other) {
            (a, b) if a == b => true,
            (LegalEntity, Person | Organization) | (Person | Organization, LegalEntity) => true,
            _ => false,
        }
    }

    /// Whether names of this schema are names of people (given names, family names) rather than of things.
    pub fn is_person(self) -> bool {
        self == Schema::Person
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Schema::Person => "Person",
            Schema::Organization => "Organization",
            Schema::LegalEntity => "LegalEntity",
            Schema::Vessel => "Vessel",
            Schema::Aircraft => "Aircraft",
        }
    }
}

impl FromStr for Schema {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "Person" | "person" | "Individual" | "individual" => Schema::Person,
            "Organization" | "organization" | "Organisation" | "Entity" | "entity" => {
                Schema::Organization
            }
            "LegalEntity" | "legalentity" | "Company" | "company" | "PublicBody" => {
                Schema::LegalEntity
            }
            "Vessel" | "vessel" => Schema::Vessel,
            "Aircraft" | "aircraft" | "Airplane" => Schema::Aircraft,
            other => return Err(ModelError::UnknownSchema(other.to_string())),
        })
    }
}

impl fmt::Display for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much a name can be trusted to identify the entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameKind {
    /// The name the list files the entity under.
    Primary,
    /// An alias the list considers good quality ("a.k.a.", UN quality "Good").
    StrongAlias,
    /// A weak alias or nom de guerre (UN quality "Low"), too vague to identify on its own.
    WeakAlias,
    /// A former name ("f.k.a.").
    FormerName,
    /// The name in its original script (often Arabic), as the list gives it.
    OriginalScript,
}

impl NameKind {
    /// How much a match on this name counts, as a factor on the name score.
    pub fn weight(self) -> f64 {
        match self {
            NameKind::Primary | NameKind::StrongAlias | NameKind::OriginalScript => 1.0,
            NameKind::FormerName => 0.95,
            NameKind::WeakAlias => 0.85,
        }
    }
}

/// One name of an entity. `text` is the whole name as written; the optional parts are set when the source
/// gives them separately (UN FIRST_NAME..FOURTH_NAME, FollowTheMoney firstName/lastName).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Name {
    pub text: String,
    pub kind: NameKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub given: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
}

impl Name {
    pub fn new(text: impl Into<String>, kind: NameKind) -> Self {
        Name {
            text: text.into(),
            kind,
            given: Vec::new(),
            family: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
    Other,
}

impl FromStr for Gender {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "man" => Ok(Gender::Male),
            "f" | "female" | "woman" => Ok(Gender::Female),
            "x" | "other" => Ok(Gender::Other),
            _ => Err(ModelError::UnknownSchema(format!("gender {s}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Passport,
    NationalId,
    /// Any other document, with the list's own words for it ("Driving licence", "Tax ID").
    Other(String),
}

/// An identity document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Document {
    pub kind: DocumentKind,
    pub number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Document {
    /// The number with spaces, dashes and other separators removed and letters upper-cased, for exact comparison.
    pub fn normalized_number(&self) -> String {
        normalize_document_number(&self.number)
    }
}

/// Upper-case alphanumerics only: "N 123-456" -> "N123456".
pub fn normalize_document_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A place (of birth, an address) as text with its country when known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Place {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<Country>,
}

/// Membership of a published list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ListMembership {
    /// The dataset name, such as `un_sc`, `us_ofac_sdn` or an agency's own list name.
    pub dataset: String,
    /// The list's reference number (UN REFERENCE_NUMBER such as `QDi.325`, OFAC ent_num).
    pub reference: String,
    /// Sanctions programme or list type ("Al-Qaida", "SDGT").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub programme: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_on: Option<crate::PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

/// A person, organisation, vessel or aircraft: a list entry or a screening query.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub schema: Schema,
    pub names: Vec<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_dates: Vec<DateOfBirth>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub birth_places: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nationalities: Vec<Country>,
    /// Countries of residence, registration, citizenship or addresses other than nationality.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub countries: Vec<Country>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<Document>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Place>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memberships: Vec<ListMembership>,
    /// Everything else the source says, by FollowTheMoney-style property name (title, designation, position,
    /// imoNumber, callSign, notes, ...), kept so nothing is lost on import.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, Vec<String>>,
}

impl Entity {
    pub fn new(id: impl Into<String>, schema: Schema) -> Self {
        Entity {
            id: id.into(),
            schema,
            names: Vec::new(),
            birth_dates: Vec::new(),
            birth_places: Vec::new(),
            nationalities: Vec::new(),
            countries: Vec::new(),
            gender: None,
            documents: Vec::new(),
            addresses: Vec::new(),
            memberships: Vec::new(),
            properties: BTreeMap::new(),
        }
    }

    /// The first primary name, or the first name of any kind.
    pub fn primary_name(&self) -> Option<&str> {
        self.names
            .iter()
            .find(|n| n.kind == NameKind::Primary)
            .or_else(|| self.names.first())
            .map(|n| n.text.as_str())
    }

    /// The datasets this entity is listed in, deduplicated, in order.
    pub fn datasets(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for m in &self.memberships {
            if !out.contains(&m.dataset.as_str()) {
                out.push(&m.dataset);
            }
        }
        out
    }

    /// Adds a property value (keeps `properties` the one place for source fields without a typed home).
    pub fn add_property(&mut self, key: &str, value: impl Into<String>) {
        let v = value.into();
        if !v.trim().is_empty() {
            self.properties.entry(key.to_string()).or_default().push(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_compatibility() {
        use Schema::*;
        assert!(Person.can_match(Person));
        assert!(Person.can_match(LegalEntity));
        assert!(!Person.can_match(Organization));
        assert!(!Vessel.can_match(Organization));
        assert_eq!("Company".parse::<Schema>().unwrap(), LegalEntity);
        assert!("Dog".parse::<Schema>().is_err());
    }

    #[test]
    fn document_numbers_normalise() {
        assert_eq!(normalize_document_number(" n 123-456 "), "N123456");
    }

    #[test]
    fn entity_roundtrips_through_json() {
        let mut e = Entity::new("QDi.1", Schema::Person);
        e.names.push(Name::new("A B", NameKind::Primary));
        e.birth_dates.push(DateOfBirth::Between(
            "1975".parse().unwrap(),
            "1978".parse().unwrap(),
        ));
        e.nationalities.push(Country::from_code("iq").unwrap());
        let json = serde_json::to_string(&e).unwrap();
        let back: Entity = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn entity_is_send_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Entity>();
    }
}
