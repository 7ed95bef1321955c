//! Name parts: a folded name split into tokens, each tagged with its role (word, article, kunya, patronymic
//! marker, `abd` prefix, honorific, company form, numeral, initial) and prepared for comparison (consonant
//! skeleton, variant groups). A [`PreparedName`] is built once per name and compared many times.

use crate::distance::bounded_osa;
use crate::lexicon::{GroupId, Lexicon};
use crate::script::{Script, detect_script};
use serde::Serialize;
use smallvec::SmallVec;

/// What a name part is, which decides how much it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartRole {
    /// An ordinary name word (given name, family name, company word).
    Word,
    /// The Arabic article (al-, el-, ul-, and its sun-letter forms ar-, as-, ad-, ...).
    Article,
    /// Abu / Abou / Abo: "father of", the first part of a kunya.
    Kunya,
    /// bin / ben / ibn / bint / ould: "son/daughter of".
    Patronymic,
    /// Abd / Abdul / Abdel: "servant of", the first part of a theophoric name.
    Abd,
    /// Titles and honorifics (sheikh, mullah, haji, dr, mr): ignored when scoring.
    Honorific,
    /// Company forms (ltd, llc, inc, corp, jsc, gmbh): weak evidence.
    CompanyForm,
    /// Words such as "the", "of", "and" in organisation names: ignored.
    Stopword,
    /// A number or Roman numeral (II, 2): must agree when present.
    Numeral,
    /// A nobiliary or family-name particle inside a person's name (de, van, von, der, da, di, du, dos).
    Particle,
    /// A single letter standing for a name (the "A." of "A. Khamenei").
    Initial,
}

impl PartRole {
    /// Whether an unmatched part of this role on both sides suggests two different names (a different word, an
    /// `abd` compound, a kunya, an initial).
    pub fn can_conflict(self) -> bool {
        matches!(
            self,
            PartRole::Word | PartRole::Abd | PartRole::Kunya | PartRole::Initial
        )
    }

    /// The part's weight before rarity is applied.
    pub fn base_weight(self) -> f64 {
        match self {
            PartRole::Word => 1.0,
            PartRole::Numeral => 0.3,
            PartRole::Kunya => 0.35,
            PartRole::Abd => 0.3,
            PartRole::Initial => 0.3,
            PartRole::CompanyForm => 0.15,
            PartRole::Patronymic | PartRole::Particle => 0.1,
            PartRole::Article | PartRole::Honorific | PartRole::Stopword => 0.0,
        }
    }
}

/// Whether names are of people, of organisations, or of things (vessels, aircraft).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NameClass {
    Person,
    Organization,
    Thing,
}

/// One prepared name part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    /// The folded token.
    pub text: String,
    #[serde(skip)]
    pub skeleton: String,
    #[serde(skip)]
    pub groups: SmallVec<[GroupId; 2]>,
    pub role: PartRole,
    /// Whether the token was transliterated from a script that omits short vowels.
    #[serde(skip)]
    pub abjad: bool,
    /// Whether the token romanises a native Chinese or Korean personal name written in its own script (习近平,
    /// 김정은): the romanisation is exact, so against another such token only the same text or a lexicon variant
    /// agrees (a different syllable is a different name, not a typo).
    #[serde(skip)]
    pub native_syllables: bool,
}

/// A name prepared once for many comparisons.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreparedName {
    pub original: String,
    pub script: Script,
    pub class: NameClass,
    pub parts: Vec<Part>,
    /// For each pair of adjacent word parts `i, i+1`: their concatenation and its skeleton, used to match a name
    /// written as one word on the other side ("JanDaniel" / "Jan Daniel").
    #[serde(skip)]
    pub adjacent: Vec<(String, String)>,
}

impl PreparedName {
    /// Parts that count when scoring (positive base weight).
    pub fn scored_parts(&self) -> impl Iterator<Item = (usize, &Part)> {
        self.parts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role.base_weight() > 0.0)
    }
}

const HONORIFICS: &[&str] = &[
    "sheikh",
    "shaikh",
    "shaykh",
    "sheik",
    "cheikh",
    "shaykh",
    "mullah",
    "mulla",
    "molla",
    "haji",
    "hajji",
    "hadji",
    "alhaji",
    "alhaj",
    "dr",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mme",
    "mlle",
    "prof",
    "professor",
    "maulvi",
    "mawlawi",
    "maulavi",
    "molvi",
    "maulana",
    "mawlana",
    "mufti",
    "qari",
    "sir",
    "lord",
    "general",
    "gen",
    "col",
    "colonel",
    "capt",
    "captain",
    "major",
    "brigadier",
    "ayatollah",
    "hojatoleslam",
    "emir",
    "sayed",
    "syed",
    "president",
    "monsieur",
    "madame",
    "mister",
    "senator",
    "herr",
    "frau",
    "senor",
    "senora",
];
// "sayed"/"syed" are honorific titles in South Asian names; as given names they are written "said/saeed".

const COMPANY_FORMS: &[(&str, &str)] = &[
    ("ltd", "ltd"),
    ("limited", "ltd"),
    ("llc", "llc"),
    ("inc", "inc"),
    ("incorporated", "inc"),
    ("corp", "corp"),
    ("corporation", "corp"),
    ("co", "co"),
    ("company", "co"),
    ("plc", "plc"),
    ("gmbh", "gmbh"),
    ("ag", "ag"),
    ("aktiengesellschaft", "ag"),
    ("sa", "sa"),
    ("sarl", "sarl"),
    ("srl", "srl"),
    ("spa", "spa"),
    ("bv", "bv"),
    ("nv", "nv"),
    ("oy", "oy"),
    ("ab", "ab"),
    ("jsc", "jsc"),
    ("ojsc", "jsc"),
    ("pjsc", "jsc"),
    ("cjsc", "jsc"),
    ("ao", "jsc"),
    ("pao", "jsc"),
    ("oao", "jsc"),
    ("zao", "jsc"),
    ("ooo", "llc"),
    ("tov", "llc"),
    ("llp", "llp"),
    ("lp", "lp"),
    ("pte", "pte"),
    ("pty", "pty"),
    ("bhd", "bhd"),
    ("sdn", "sdn"),
    ("kg", "kg"),
    ("kft", "kft"),
    ("sp", "sp"),
    ("oo", "oo"),
    ("zoo", "oo"),
    ("fze", "fze"),
    ("fzco", "fzco"),
    ("est", "est"),
    ("establishment", "est"),
    ("jv", "jv"),
];

/// Company forms written out in words, replaced by their short form before tagging.
const COMPANY_FORM_PHRASES: &[(&str, &str)] = &[
    ("public joint stock company", "jsc"),
    ("open joint stock company", "jsc"),
    ("closed joint stock company", "jsc"),
    ("joint stock company", "jsc"),
    ("limited liability company", "llc"),
    ("limited liability partnership", "llp"),
    ("public limited company", "plc"),
    ("private limited company", "ltd"),
    ("gesellschaft mit beschrankter haftung", "gmbh"),
    ("societatea cu raspundere limitata", "srl"),
    ("societe anonyme", "sa"),
    ("sociedad anonima", "sa"),
    ("societa per azioni", "spa"),
    ("aktsionernoe obshchestvo", "jsc"),
    ("sp z oo", "llc"),
    ("sa de cv", "sa"),
    ("obshchestvo s ogranichennoy otvetstvennostyu", "llc"),
];

/// Company forms distinctive enough to recognise inside a person's name ("Nicolas Maduro LLC").
const PERSON_NAME_COMPANY_FORMS: &[&str] = &[
    "llc",
    "ltd",
    "limited",
    "inc",
    "incorporated",
    "gmbh",
    "plc",
    "jsc",
    "corp",
    "corporation",
    "llp",
];

/// English number words and ordinals, and "1st"-style ordinals, as digits ("Brigade Forty-Four" = "Brigade 44").
fn number_word(token: &str) -> Option<u32> {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const ORDINALS: [&str; 13] = [
        "", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth", "eleventh", "twelfth",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = ONES.iter().position(|w| *w == token) {
        return Some(i as u32);
    }
    if let Some(i) = ORDINALS.iter().skip(1).position(|w| *w == token) {
        return Some(i as u32 + 1);
    }
    for (t, tens) in TENS.iter().enumerate().skip(2) {
        let alt = if *tens == "forty" { "fourty" } else { tens };
        for word in [*tens, alt] {
            if let Some(rest) = token.strip_prefix(word) {
                if rest.is_empty() {
                    return Some(t as u32 * 10);
                }
                if let Some(o) = ONES[1..10].iter().position(|w| *w == rest) {
                    return Some(t as u32 * 10 + o as u32 + 1);
                }
            }
        }
    }
    let digits = token.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &token[digits.len()..];
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(suffix, "st" | "nd" | "rd" | "th")
    {
        return digits.parse().ok();
    }
    None
}

/// Abbreviations of organisation-name words, written out so both spellings compare as one ("First Bank Int'l" =
/// "First International Bank"); country abbreviations become the words they stand for.
const ORG_ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("natl", "national"),
    ("dept", "department"),
    ("assn", "association"),
    ("assoc", "association"),
    ("mfg", "manufacturing"),
    ("bros", "brothers"),
    ("govt", "government"),
    ("univ", "university"),
    ("mgmt", "management"),
    ("svcs", "services"),
    ("us", "united states"),
    ("usa", "united states"),
    ("uk", "united kingdom"),
    ("uae", "united arab emirates"),
];

/// Whether `token` is the word `word` of a company form, allowing one typing error (or a truncated last letter)
/// in words of five letters or more; `edits` counts the errors allowed so far.
fn form_word(token: &str, word: &str, edits: &mut usize) -> bool {
    if token == word {
        return true;
    }
    if *edits == 0
        && word.len() >= 5
        && token.len() >= 4
        && bounded_osa(token.as_bytes(), word.as_bytes(), 1).is_some()
    {
        *edits += 1;
        return true;
    }
    false
}

/// Number of tokens at the start of `tokens` that spell `phrase`, with at most one typing error.
fn phrase_at(tokens: &[&str], phrase: &str) -> Option<usize> {
    let mut edits = 0;
    let mut n = 0;
    for word in phrase.split(' ') {
        if !form_word(tokens.get(n)?, word, &mut edits) {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// Organisation names: company forms written out in words become their short form (tolerating one typing error:
/// "Joynt Stock Company", a truncated "Joint Stock Compan"), abbreviated words are written out.
fn replace_phrases(folded: &str) -> String {
    let tokens: Vec<&str> = folded.split(' ').filter(|t| !t.is_empty()).collect();
    let mut out: Vec<&str> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    'tokens: while i < tokens.len() {
        for (phrase, short) in COMPANY_FORM_PHRASES {
            if let Some(n) = phrase_at(&tokens[i..], phrase) {
                out.push(short);
                i += n;
                continue 'tokens;
            }
        }
        match ORG_ABBREVIATIONS.iter().find(|(a, _)| *a == tokens[i]) {
            Some((_, long)) => out.push(long),
            None => out.push(tokens[i]),
        }
        i += 1;
    }
    out.join(" ")
}

/// The short company form of an organisation-name token: a listed form, or one typing error away from a form of
/// seven letters or more ("Aktiengeselschaft", "Corporatoin").
fn company_form(token: &str) -> Option<&'static str> {
    if let Some((_, canon)) = COMPANY_FORMS.iter().find(|(f, _)| *f == token) {
        return Some(canon);
    }
    if token.len() < 6 {
        return None;
    }
    COMPANY_FORMS
        .iter()
        .find(|(f, _)| f.len() >= 7 && bounded_osa(token.as_bytes(), f.as_bytes(), 1).is_some())
        .map(|(_, canon)| *canon)
}

/// A number written as a tens word followed by a digit or ones word ("forty 4", "twenty one"), and the number
/// of tokens it takes.
fn compound_number(token: &str, next: Option<&str>) -> Option<(u32, usize)> {
    let tens = if token.chars().all(|c| c.is_ascii_digit()) {
        return None;
    } else {
        number_word(token)?
    };
    let ones = next.and_then(|n| {
        if n.len() == 1 && n.as_bytes()[0].is_ascii_digit() {
            n.parse::<u32>().ok()
        } else {
            number_word(n)
        }
    });
    match ones {
        Some(o) if (20..=90).contains(&tens) && tens % 10 == 0 && (1..=9).contains(&o) => {
            Some((tens + o, 2))
        }
        _ => Some((tens, 1)),
    }
}

/// "AL-ADNANI, Abu Mohammad" -> "Abu Mohammad AL-ADNANI": lists write persons as "FAMILY, Given".
fn uncomma(name: &str) -> std::borrow::Cow<'_, str> {
    match name.split_once(',') {
        Some((family, given))
            if !family.trim().is_empty() && !given.trim().is_empty() && !given.contains(',') =>
        {
            std::borrow::Cow::Owned(format!("{} {}", given.trim(), family.trim()))
        }
        _ => std::borrow::Cow::Borrowed(name),
    }
}

/// Particles of European family names, tagged only between other words ("Boris de Pfeffel Johnson").
const NAME_PARTICLES: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "di", "del", "della", "du", "dos", "das", "le", "la",
    "ter", "ten", "zu",
];

const ORG_STOPWORDS: &[&str] = &[
    "the", "of", "and", "for", "de", "del", "la", "le", "et", "und", "y", "a",
];

const ROMAN: &[&str] = &["ii", "iii", "iv", "vi", "vii", "viii", "ix", "xi", "xii"];

/// Sun letters: the article assimilates to them (ar-Rahman, as-Sayyid, ad-Din).
fn is_article(token: &str, next: Option<&str>) -> bool {
    match token {
        "al" | "el" | "ul" | "il" => true,
        "ar" | "as" | "ad" | "at" | "az" | "an" | "ash" | "ath" | "adh" | "ur" | "us" | "ud"
        | "er" | "es" | "ed" | "et" | "en" | "ez" => {
            // Only a sun-letter article when the next word starts with the same consonant.
            let cons = &token[token.len() - 1..];
            next.is_some_and(|n| n.starts_with(cons))
        }
        _ => false,
    }
}

fn kunya(token: &str) -> bool {
    matches!(
        token,
        "abu" | "abou" | "abo" | "aboo" | "abul" | "abou-l" | "bou"
    )
}

fn patronymic(token: &str) -> bool {
    matches!(
        token,
        "bin" | "ben" | "ibn" | "bint" | "binti" | "ould" | "walad" | "ibnu" | "bn"
    )
}

fn abd_prefix(token: &str) -> bool {
    matches!(
        token,
        "abd"
            | "abdul"
            | "abdel"
            | "abdal"
            | "abdol"
            | "abdu"
            | "abdur"
            | "abdus"
            | "abdou"
            | "abdi"
    )
}

/// Splits "abdulrahman" into ("abd", "rahman") ("abderrahmane", "abdelaziz", "abdulkadir" likewise: a vowel, then
/// the article's `l` or a doubled sun letter, are dropped); keeps "abdullah"-like words whole (their variants are
/// in the lexicon) and words too short to hold a second name.
fn split_abd(token: &str) -> Option<&str> {
    let rest = token.strip_prefix("abd")?.trim_start_matches('-');
    let rest = rest.strip_prefix(['a', 'e', 'i', 'o', 'u']).unwrap_or(rest);
    let b = rest.as_bytes();
    let rest = if rest.starts_with('l') || (b.len() > 1 && b[0] == b[1]) {
        &rest[1..]
    } else {
        rest
    };
    let rest = rest.trim_start_matches('-');
    if rest.len() >= 3 && !matches!(rest, "lah" | "llah" | "allah" | "ah" | "la") {
        Some(rest)
    } else {
        None
    }
}

/// Prepares a name for comparison.
pub fn prepare(name: &str, class: NameClass, lexicon: &Lexicon) -> PreparedName {
    let script = detect_script(name);
    let abjad = script.is_abjad();
    let native_syllables = crate::translit::native_personal_name(name);
    let folded = if class == NameClass::Person {
        crate::fold(&uncomma(name))
    } else {
        crate::fold(name)
    };
    let folded = if class == NameClass::Person {
        folded
    } else {
        replace_phrases(&folded)
    };
    let mut raw: Vec<String> = Vec::new();
    // Hyphenated words: an article, kunya, patronymic or abd prefix before the hyphen is its own part
    // ("al-adnani" -> "al adnani"); otherwise the pieces are one word ("jong-un" -> "jongun").
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        if word.contains('-') {
            let pieces: Vec<&str> = word.split('-').filter(|p| !p.is_empty()).collect();
            let mut joined = String::new();
            for (i, p) in pieces.iter().enumerate() {
                let next = pieces.get(i + 1).copied();
                let splits_off = is_article(p, next.or(Some("")))
                    || kunya(p)
                    || patronymic(p)
                    || abd_prefix(p)
                    || *p == "al";
                let hyphen_article = p.len() <= 3
                    && next.is_some_and(|n| n.starts_with(&p[p.len() - 1..]))
                    && p.starts_with(['a', 'e', 'u']);
                if (splits_off || hyphen_article) && next.is_some() {
                    if !joined.is_empty() {
                        raw.push(std::mem::take(&mut joined));
                    }
                    raw.push((*p).to_string());
                } else {
                    joined.push_str(p);
                }
            }
            if !joined.is_empty() {
                raw.push(joined);
            }
        } else {
            raw.push(word.to_string());
        }
    }
    let mut parts: Vec<Part> = Vec::with_capacity(raw.len() + 2);
    let n = raw.len();
    let mut i = 0;
    while i < n {
        let tok = raw[i].as_str();
        let next = raw.get(i + 1).map(String::as_str);
        let mut push = |text: &str, role: PartRole| {
            let mut part = make_part(text, role, abjad, lexicon);
            part.native_syllables = native_syllables;
            parts.push(part);
        };
        if class == NameClass::Organization || class == NameClass::Thing {
            if let Some(canon) = company_form(tok) {
                // "co" inside a name such as "Co Ltd" is a form; a lone word like "sa" in a two-word name too.
                push(canon, PartRole::CompanyForm);
            } else if ORG_STOPWORDS.contains(&tok) {
                push(tok, PartRole::Stopword);
            } else if tok.chars().all(|c| c.is_ascii_digit()) || ROMAN.contains(&tok) {
                push(tok, PartRole::Numeral);
            } else if let Some((number, taken)) = compound_number(tok, next) {
                push(&number.to_string(), PartRole::Numeral);
                i += taken;
                continue;
            } else {
                push(tok, PartRole::Word);
            }
            i += 1;
            continue;
        }
        if HONORIFICS.contains(&tok) && n > 1 {
            push(tok, PartRole::Honorific);
        } else if NAME_PARTICLES.contains(&tok) && i > 0 && i + 1 < n {
            push(tok, PartRole::Particle);
        } else if PERSON_NAME_COMPANY_FORMS.contains(&tok) && i > 0 {
            let canon = COMPANY_FORMS
                .iter()
                .find(|(f, _)| *f == tok)
                .map_or(tok, |(_, c)| *c);
            push(canon, PartRole::CompanyForm);
        } else if abd_prefix(tok)
            && next.is_some_and(|n| {
                matches!(n, "allah" | "ullah" | "llah" | "illah" | "alla" | "ulla")
            })
        {
            // "Abd Allah" (as Arabic script writes it) is the name Abdullah.
            push("abdullah", PartRole::Word);
            i += 2;
            continue;
        } else if is_article(tok, next) && next.is_some() {
            push("al", PartRole::Article);
        } else if kunya(tok) {
            push("abu", PartRole::Kunya);
        } else if patronymic(tok) && n > 1 && (i > 0 || tok != "ben") {
            push("bin", PartRole::Patronymic);
        } else if abd_prefix(tok) {
            push("abd", PartRole::Abd);
        } else if let Some(rest) = split_abd(tok) {
            push("abd", PartRole::Abd);
            push(rest, PartRole::Word);
        } else if tok.chars().count() == 1 && tok.chars().all(|c| c.is_ascii_alphabetic()) && n > 1
        {
            push(tok, PartRole::Initial);
        } else if tok.chars().all(|c| c.is_ascii_digit()) || (ROMAN.contains(&tok) && i > 0) {
            push(tok, PartRole::Numeral);
        } else {
            push(tok, PartRole::Word);
        }
        i += 1;
    }
    // A name made only of particles or initials ("Abu" alone, "A. B.") has nothing else to go by: its parts are
    // words.
    if parts.iter().all(|p| p.role != PartRole::Word) {
        for p in parts.iter_mut() {
            if matches!(
                p.role,
                PartRole::Kunya
                    | PartRole::Abd
                    | PartRole::Patronymic
                    | PartRole::Honorific
                    | PartRole::Initial
            ) {
                p.role = PartRole::Word;
            }
        }
    }
    let adjacent = parts
        .windows(2)
        .map(|w| {
            let joined = format!("{}{}", w[0].text, w[1].text);
            let skeleton = crate::skeleton::skeleton(&joined);
            (joined, skeleton)
        })
        .collect();
    PreparedName {
        original: name.to_string(),
        script,
        class,
        parts,
        adjacent,
    }
}

fn make_part(text: &str, role: PartRole, abjad: bool, lexicon: &Lexicon) -> Part {
    let mut groups: SmallVec<[GroupId; 2]> = SmallVec::new();
    groups.extend_from_slice(lexicon.groups(text));
    if !std::ptr::eq(lexicon, Lexicon::builtin()) {
        for g in Lexicon::builtin().groups(text) {
            // Built-in ids live in their own range so they never collide with a loaded lexicon's ids.
            groups.push(g | 0x8000_0000);
        }
    }
    Part {
        text: text.to_string(),
        skeleton: crate::skeleton::skeleton(text),
        groups,
        role,
        abjad,
        native_syllables: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(name: &str, class: NameClass) -> Vec<(String, PartRole)> {
        prepare(name, class, Lexicon::builtin())
            .parts
            .into_iter()
            .map(|p| (p.text, p.role))
            .collect()
    }

    #[test]
    fn tags_parts() {
        use PartRole::*;
        let p = NameClass::Person;
        let o = NameClass::Organization;
        let s = |x: &str| x.to_string();
        type Case<'a> = (&'a str, NameClass, Vec<(String, PartRole)>);
        let table: Vec<Case> = vec![
            (
                "Abu Muhammad al-Adnani",
                p,
                vec![
                    (s("abu"), Kunya),
                    (s("muhammad"), Word),
                    (s("al"), Article),
                    (s("adnani"), Word),
                ],
            ),
            (
                "ABOU MOHAMED AL ADNANI",
                p,
                vec![
                    (s("abu"), Kunya),
                    (s("mohamed"), Word),
                    (s("al"), Article),
                    (s("adnani"), Word),
                ],
            ),
            (
                "Abdulrahman ar-Rashid",
                p,
                vec![
                    (s("abd"), Abd),
                    (s("rahman"), Word),
                    (s("al"), Article),
                    (s("rashid"), Word),
                ],
            ),
            (
                "Abd al-Rahman",
                p,
                vec![(s("abd"), Abd), (s("al"), Article), (s("rahman"), Word)],
            ),
            ("Abdullah", p, vec![(s("abdullah"), Word)]),
            (
                "Usama bin Laden",
                p,
                vec![
                    (s("usama"), Word),
                    (s("bin"), Patronymic),
                    (s("laden"), Word),
                ],
            ),
            (
                "Sheikh Ahmed Yassin",
                p,
                vec![
                    (s("sheikh"), Honorific),
                    (s("ahmed"), Word),
                    (s("yassin"), Word),
                ],
            ),
            (
                "A. Khamenei",
                p,
                vec![(s("a"), Initial), (s("khamenei"), Word)],
            ),
            (
                "Kim Jong-un",
                p,
                vec![(s("kim"), Word), (s("jongun"), Word)],
            ),
            (
                "HSBC Holdings p.l.c.",
                o,
                vec![
                    (s("hsbc"), Word),
                    (s("holdings"), Word),
                    (s("plc"), CompanyForm),
                ],
            ),
            (
                "The Goldman Sachs Group, Inc.",
                o,
                vec![
                    (s("the"), Stopword),
                    (s("goldman"), Word),
                    (s("sachs"), Word),
                    (s("group"), Word),
                    (s("inc"), CompanyForm),
                ],
            ),
            (
                "Bowne Global Solutions II, Inc.",
                o,
                vec![
                    (s("bowne"), Word),
                    (s("global"), Word),
                    (s("solutions"), Word),
                    (s("ii"), Numeral),
                    (s("inc"), CompanyForm),
                ],
            ),
            ("Abu", p, vec![(s("abu"), Word)]),
            (
                "Brigade Forty-Four",
                o,
                vec![(s("brigade"), Word), (s("44"), Numeral)],
            ),
            (
                "1st International Bank",
                o,
                vec![
                    (s("1"), Numeral),
                    (s("international"), Word),
                    (s("bank"), Word),
                ],
            ),
            ("Abd Allah", p, vec![(s("abdullah"), Word)]),
            (
                "Nicolás Maduro LLC",
                p,
                vec![
                    (s("nicolas"), Word),
                    (s("maduro"), Word),
                    (s("llc"), CompanyForm),
                ],
            ),
            (
                "OAO Gazprom",
                o,
                vec![(s("jsc"), CompanyForm), (s("gazprom"), Word)],
            ),
            (
                "Open Joint Stock Company Gazprom",
                o,
                vec![(s("jsc"), CompanyForm), (s("gazprom"), Word)],
            ),
            // Company forms with one typing error, or truncated by a field limit.
            (
                "Tactical Missiles Corporation Joynt Stock Company",
                o,
                vec![
                    (s("tactical"), Word),
                    (s("missiles"), Word),
                    (s("corp"), CompanyForm),
                    (s("jsc"), CompanyForm),
                ],
            ),
            (
                "Tactical Missiles Joint Stock Compan",
                o,
                vec![
                    (s("tactical"), Word),
                    (s("missiles"), Word),
                    (s("jsc"), CompanyForm),
                ],
            ),
            (
                "Siemens Aktiengeselschaft",
                o,
                vec![(s("siemens"), Word), (s("ag"), CompanyForm)],
            ),
            // Two typing errors, or a short word one error away, are not a company form.
            (
                "Jiont Stokc Company Gazprom",
                o,
                vec![
                    (s("jiont"), Word),
                    (s("stokc"), Word),
                    (s("co"), CompanyForm),
                    (s("gazprom"), Word),
                ],
            ),
            (
                "Compact Bank",
                o,
                vec![(s("compact"), Word), (s("bank"), Word)],
            ),
            (
                "Faberlic Europe Sp. z o.o.",
                o,
                vec![
                    (s("faberlic"), Word),
                    (s("europe"), Word),
                    (s("llc"), CompanyForm),
                ],
            ),
            // Numbers and abbreviations written out.
            (
                "Brigade Forty 4",
                o,
                vec![(s("brigade"), Word), (s("44"), Numeral)],
            ),
            (
                "Twenty One Holdings",
                o,
                vec![(s("21"), Numeral), (s("holdings"), Word)],
            ),
            (
                "Forty Thieves",
                o,
                vec![(s("40"), Numeral), (s("thieves"), Word)],
            ),
            (
                "First Bank Int'l",
                o,
                vec![
                    (s("1"), Numeral),
                    (s("bank"), Word),
                    (s("international"), Word),
                ],
            ),
            (
                "U.S. Dept. of State",
                o,
                vec![
                    (s("united"), Word),
                    (s("states"), Word),
                    (s("department"), Word),
                    (s("of"), Stopword),
                    (s("state"), Word),
                ],
            ),
        ];
        for (name, class, want) in table {
            assert_eq!(roles(name, class), want, "{name}");
        }
    }

    #[test]
    fn arabic_script_parts() {
        let parts = prepare("أبو محمد العدناني", NameClass::Person, Lexicon::builtin()).parts;
        let texts: Vec<&str> = parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["abu", "mhmd", "al", "adnani"]);
        assert!(parts.iter().all(|p| p.abjad));
    }
}
