//! The variant lexicon: name tokens that are spellings of the same name ("Mohammed", "Muhammad", "Mehmet").
//!
//! A curated table ships with Interdict ([`Lexicon::builtin`]). A larger lexicon in the format of rigour's
//! `person_names.txt` (`form, form, ... => GROUPID`, one group a line) can be added with
//! [`Lexicon::load_rigour`]; only single-token forms are used, after [`crate::fold`].

use crate::LexiconError;
use smallvec::SmallVec;
use std::collections::HashMap;
use std::io::BufRead;
use std::sync::OnceLock;

/// Identifier of a variant group.
pub type GroupId = u32;

/// Curated variant groups, one a line, forms separated by spaces (already folded).
const BUILTIN_GROUPS: &str = "\
muhammad mohammed mohammad mohamed mohamad muhammed mohammet mehmet mehmed mohamud mahamat mouhamed mohamud mhmd muhamad mohd mohummad mahomed
ahmad ahmed ahmet ahmat ahmadou amadou hmd
mahmoud mahmood mahmud mahmut mehmood mhmud
yasser yaser yasir yassir yasar
hussein husain hussain hossein husayn husein hüseyin huseyin hussien hsin hossain
hassan hasan hassen hasen hsn
ali aly alee
omar umar omer amr
othman uthman osman usman othmane outhmane
usama osama oussama ousama
abdullah abdallah abdulla abdalla abdellah abdollah abdoulaye abdulah
abdulrahman abdurrahman abderrahmane abdelrahman abdalrahman abdul-rahman abdorrahman
youssef yusuf yousef yousuf yusef youssouf yosef joseph yusif jusuf
ibrahim ebrahim ibrahima brahim ibraheem abraham
ismail ismael esmail ismaeel ismayil
ishaq ishak isaac
yaqub yakub yacoub yaakov jacob yakoub
suleiman sulayman sulaiman soliman suleyman sleiman solomon
dawud daud dawood daoud david davoud
musa moussa mousa moosa moses
isa eisa issa jesus
khalid khaled halid khalied
walid waleed walid oualid
said saeed saaid sayed sayyid saied
saad sad saadi
salah salih saleh salahuddin
jamal gamal djamel jamel
jamil gamil djamil jameel
abubakar abubakr aboubakar boubacar abu-bakr
hamza hamzah hamsa
fatima fatimah fatma fatemeh fadumo
aisha aicha ayesha aysha aishah
khadija khadijah hadiza khadidja
mustafa mostafa moustafa mustapha mustafah
mansour mansur mansoor
nasser nasir naser nasr nassir
qasim kasim qassim kassim casim
zakaria zakariya zakariyya zacharias zakariah
yahya yahia yehia yahiya john
idris idriss edris
anwar anouar anvar
tariq tarik tareq tarek
bilal belal
hamid hamed
rashid rachid rasheed
karim kareem
majid majeed magid
faisal faysal faycal
abdelaziz abdulaziz abdul-aziz
abdelkader abdulqadir abdelqader abdulkadir abdul-qadir
nur noor nour
din deen dine eddine uddin
laden ladin
zawahiri zawahri
baghdadi bagdadi
vladimir volodymyr wladimir
alexander aleksandr alexandre alejandro alessandro aleksander alexandros oleksandr
dmitry dmitri dmitriy dmitrij
sergey sergei serhiy sergej sergejs
nikolai nikolay mykola nicolas nikolaos nicholas
mikhail michael mykhailo michel miguel michail
ivan iwan ivan
andrei andrey andriy andrew andreas
yuri yury yuriy jurij
alexei alexey aleksei aleksey oleksiy
george georgy georgiy heorhiy jorge giorgi
peter petr pyotr petro pedro pietro
paul pavel pablo paolo
john ivan jean juan giovanni johann
kim gim
lee yi rhee ri
park pak bak
choi choe
jung jeong chung
kang gang
cho jo
lim im
shin sin
kwon gwon
jong jeong chong
un eun
";

/// Token -> variant groups.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    groups: HashMap<String, SmallVec<[GroupId; 2]>>,
    next_group: GroupId,
}

impl Lexicon {
    /// An empty lexicon.
    pub fn empty() -> Self {
        Lexicon::default()
    }

    /// The curated lexicon shipped with Interdict (shared, built once).
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut lex = Lexicon::empty();
            for line in BUILTIN_GROUPS.lines() {
                let forms: Vec<&str> = line.split_whitespace().collect();
                lex.add_group(forms.iter().copied());
            }
            lex
        })
    }

    /// Adds one group of equivalent forms; returns its id. Forms are folded first.
    pub fn add_group<'a>(&mut self, forms: impl IntoIterator<Item = &'a str>) -> GroupId {
        let id = self.next_group;
        self.next_group += 1;
        for form in forms {
            let folded = crate::fold(form);
            if folded.is_empty() || folded.contains(' ') {
                continue;
            }
            let entry = self.groups.entry(folded).or_default();
            if !entry.contains(&id) {
                entry.push(id);
            }
        }
        id
    }

    /// Adds the groups of a rigour `person_names.txt`-style file to this lexicon. Returns the number of groups read.
    ///
    /// # Errors
    /// [`LexiconError`] naming the line when a line has no `=>`, or when the reader fails.
    pub fn load_rigour(
        &mut self,
        reader: impl BufRead,
        source: &str,
    ) -> Result<usize, LexiconError> {
        let mut count = 0;
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| LexiconError::Io {
                source_name: source.to_string(),
                message: e.to_string(),
            })?;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((forms, _group)) = line.rsplit_once("=>") else {
                return Err(LexiconError::Malformed {
                    source_name: source.to_string(),
                    line: i + 1,
                    message: "expected `form, form, ... => GROUPID`".to_string(),
                });
            };
            self.add_group(forms.split(',').map(str::trim));
            count += 1;
        }
        Ok(count)
    }

    /// The groups of a folded token (empty when the token is in no group).
    pub fn groups(&self, token: &str) -> &[GroupId] {
        self.groups.get(token).map(|g| g.as_slice()).unwrap_or(&[])
    }

    /// Number of distinct forms known.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// A copy of this lexicon extended with the built-in groups.
    pub fn with_builtin(mut self) -> Self {
        for line in BUILTIN_GROUPS.lines() {
            self.add_group(line.split_whitespace());
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_groups() {
        let lex = Lexicon::builtin();
        let shares = |a: &str, b: &str| lex.groups(a).iter().any(|g| lex.groups(b).contains(g));
        assert!(shares("mohammed", "mehmet"));
        assert!(shares("yasir", "yasser"));
        assert!(shares("husain", "hussein"));
        assert!(!shares("hussein", "hassan"));
        assert!(lex.groups("zzzz").is_empty());
    }

    #[test]
    fn loads_rigour_format() {
        let text = "ovsei, ovsej, ovsey, овсей => Q1\nosolin, ozolin, озолин => Q2\n";
        let mut lex = Lexicon::empty();
        assert_eq!(lex.load_rigour(text.as_bytes(), "t").unwrap(), 2);
        assert_eq!(lex.groups("ovsej"), lex.groups("ovsei"));
        assert_eq!(lex.groups("ozolin"), lex.groups("osolin"));
        assert!(
            lex.load_rigour("no arrow here".as_bytes(), "bad.txt")
                .is_err()
        );
    }
}
