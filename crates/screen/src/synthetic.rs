//! A deterministic generator of synthetic watchlists, for benchmarks and scale tests (1,000,000 entities and
//! more). Names are built from syllables in several naming styles (Arabic with particles, Slavic, East Asian,
//! Western, companies) so that token frequencies are skewed like a real list's: a few very common given names,
//! a long tail of rare family names. Every entity is fictional.

use interdict_model::{
    Country, DateOfBirth, Document, DocumentKind, Entity, ListMembership, Name, NameKind,
    PartialDate, Schema,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const ARABIC_GIVEN: &[&str] = &[
    "Mohammed", "Ahmed", "Ali", "Omar", "Khalid", "Yusuf", "Ibrahim", "Hassan", "Hussein",
    "Abdullah", "Mustafa", "Tariq", "Walid", "Bilal", "Hamza", "Karim", "Samir", "Nabil", "Faisal",
    "Jamal", "Rashid", "Mahmoud", "Salim", "Adel", "Ziad", "Imad", "Fadi", "Nasser", "Majid",
    "Anwar",
];
const SLAVIC_GIVEN: &[&str] = &[
    "Ivan", "Sergei", "Dmitri", "Alexei", "Nikolai", "Vladimir", "Oleg", "Pavel", "Yuri", "Andrei",
    "Mikhail", "Boris", "Igor", "Viktor", "Anna", "Olga", "Irina", "Natalia", "Elena", "Svetlana",
];
const WESTERN_GIVEN: &[&str] = &[
    "John", "Maria", "James", "Anna", "Peter", "Laura", "Thomas", "Sarah", "Michael", "Julia",
    "David", "Sofia", "Daniel", "Emma", "Paul", "Claire", "Mark", "Lucia", "Robert", "Ines",
];
const SYLLABLES: &[&str] = &[
    "ka", "ra", "mi", "to", "sa", "na", "lo", "be", "du", "fi", "ga", "ho", "ja", "ke", "li", "mo",
    "nu", "pa", "qu", "re", "si", "ta", "vo", "wa", "ya", "zi", "dar", "bak", "sul", "tan", "mer",
    "kov", "rin", "lam", "hab", "zar", "nov", "ski", "vich", "ev", "ani", "awi", "iri", "oun",
    "ell", "ard", "eng", "ong", "ung",
];
const COMPANY_WORDS: &[&str] = &[
    "Trading",
    "Holdings",
    "Shipping",
    "Logistics",
    "Import",
    "Export",
    "General",
    "International",
    "Petroleum",
    "Exchange",
    "Finance",
    "Construction",
    "Charity",
    "Foundation",
    "Relief",
    "Group",
    "Industries",
    "Services",
];
const COMPANY_FORMS: &[&str] = &["LLC", "Ltd", "Co.", "JSC", "FZE", "GmbH", "S.A.", "Inc."];
const COUNTRIES: &[&str] = &[
    "iq", "sy", "af", "ye", "so", "ly", "ru", "ua", "de", "fr", "gb", "us", "pk", "ng", "ml",
];

fn family_name(rng: &mut ChaCha8Rng) -> String {
    let n = rng.gen_range(2..=4);
    let mut s = String::new();
    for _ in 0..n {
        s.push_str(SYLLABLES[rng.gen_range(0..SYLLABLES.len())]);
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => s,
    }
}

/// Picks from a list with a skewed (roughly Zipf) distribution: early entries are much more common.
fn skewed<'a>(rng: &mut ChaCha8Rng, list: &[&'a str]) -> &'a str {
    let u: f64 = rng.r#gen();
    let i = ((u * u * u) * list.len() as f64) as usize;
    list[i.min(list.len() - 1)]
}

fn person_name(rng: &mut ChaCha8Rng) -> String {
    match rng.gen_range(0..10) {
        0..=4 => {
            let mut parts = Vec::new();
            if rng.gen_bool(0.15) {
                parts.push("Abu".to_string());
            }
            parts.push(skewed(rng, ARABIC_GIVEN).to_string());
            if rng.gen_bool(0.5) {
                parts.push(skewed(rng, ARABIC_GIVEN).to_string());
            }
            let fam = family_name(rng);
            parts.push(if rng.gen_bool(0.4) {
                format!("al-{fam}")
            } else {
                fam
            });
            parts.join(" ")
        }
        5..=6 => format!("{} {}", skewed(rng, SLAVIC_GIVEN), family_name(rng)),
        _ => format!("{} {}", skewed(rng, WESTERN_GIVEN), family_name(rng)),
    }
}

/// `count` synthetic entities (about 90% persons, 10% organisations), ids `SYN-<n>`, reproducible from `seed`.
pub fn synthetic_entities(count: usize, seed: u64) -> impl Iterator<Item = Entity> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count).map(move |i| synthetic_entity(i, &mut rng))
}

fn synthetic_entity(i: usize, rng: &mut ChaCha8Rng) -> Entity {
    let is_person = rng.gen_bool(0.9);
    let mut e = Entity::new(
        format!("SYN-{i}"),
        if is_person {
            Schema::Person
        } else {
            Schema::Organization
        },
    );
    if is_person {
        e.names.push(Name::new(person_name(rng), NameKind::Primary));
        for _ in 0..rng.gen_range(0..3) {
            let kind = if rng.gen_bool(0.7) {
                NameKind::StrongAlias
            } else {
                NameKind::WeakAlias
            };
            e.names.push(Name::new(person_name(rng), kind));
        }
        if rng.gen_bool(0.8) {
            let year = rng.gen_range(1950..2003);
            let d = if rng.gen_bool(0.6) {
                PartialDate::ymd(year, rng.gen_range(1..=12), rng.gen_range(1..=28))
                    .unwrap_or(PartialDate::year(year))
            } else {
                PartialDate::year(year)
            };
            e.birth_dates.push(DateOfBirth::Exact(d));
        }
        if rng.gen_bool(0.3) {
            e.documents.push(Document {
                kind: DocumentKind::Passport,
                number: format!("P{:08}", rng.gen_range(0..100_000_000u32)),
                country: Country::from_code(COUNTRIES[rng.gen_range(0..COUNTRIES.len())]),
                note: None,
            });
        }
    } else {
        let name = format!(
            "{} {} {}",
            family_name(rng),
            skewed(rng, COMPANY_WORDS),
            COMPANY_FORMS[rng.gen_range(0..COMPANY_FORMS.len())]
        );
        e.names.push(Name::new(name, NameKind::Primary));
    }
    if let Some(c) = Country::from_code(COUNTRIES[rng.gen_range(0..COUNTRIES.len())]) {
        e.nationalities.push(c);
    }
    e.memberships.push(ListMembership {
        dataset: "synthetic".to_string(),
        reference: e.id.clone(),
        ..ListMembership::default()
    });
    e
}

#[cfg(test)]
mod tests {
    #[test]
    fn deterministic_and_sized() {
        let a: Vec<_> = super::synthetic_entities(100, 7).collect();
        let b: Vec<_> = super::synthetic_entities(100, 7).collect();
        assert_eq!(a.len(), 100);
        assert_eq!(a, b);
        assert!(a.iter().all(|e| !e.names.is_empty()));
        assert!(
            a.iter()
                .any(|e| e.schema == interdict_model::Schema::Organization)
        );
    }
}
