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

/// Hypocoristics: a formal given name, then its common short and pet forms (one group per formal name, so a
/// short form shared by two names, such as "Ted" for Theodore and Edward, links each to the short form but not the
/// two formal names to each other). English forms as listed in common nickname references, plus frequent German,
/// Spanish, Italian, Hebrew and Russian diminutives. A nickname match is weaker evidence than a spelling variant.
const NICKNAME_GROUPS: &str = "\
william bill billy will willy willie liam
robert bob bobby rob robbie bert
richard rick ricky dick rich richie
james jim jimmy jamie
john jack johnny jon
jonathan jon jonny
michael mike mikey mick mickey michi
michaela michi micky
theodore ted teddy theo
edward ed eddie ted teddy ned
edmund ed eddie ned
benjamin ben benny benji bibi
thomas tom tommy
joseph joe joey
charles charlie chuck chas
christopher chris kit
christine chris chrissy tina
christina chris chrissy tina
daniel dan danny
david dave davey
anthony tony
antonio tonio toni
andrew andy drew
alexander alex sandy sasha shura
alexandra alex sandra sasha
nicholas nick nicky
patrick pat paddy
peter pete
samuel sam sammy
stephen steve stevie
steven steve stevie
timothy tim timmy
matthew matt matty
nathaniel nat nate
nathan nate
gregory greg
kenneth ken kenny
lawrence larry
laurence larry
leonard leo len lenny
ronald ron ronnie
donald don donnie
gerald gerry jerry
jeffrey jeff
geoffrey geoff jeff
frederick fred freddie fritz
frederic fred freddie
friedrich fritz
francis frank frankie
franklin frank
henry hank harry
harold harry hal
walter walt wally
albert bert bertie
alfred alf alfie fred
arthur art artie
raymond ray
eugene gene
vincent vince vinnie
zachary zach zack
douglas doug
phillip phil
philip phil pip
randolph randy
russell russ
terence terry
abraham abe
isaac ike
jacob jake
elizabeth liz lizzie beth betty betsy eliza libby
margaret maggie meg peggy marge greta
katherine kate kathy katie kat
catherine cathy kate katie
kathleen kathy kate
jennifer jen jenny
jessica jess jessie
patricia pat patty trish
deborah debbie deb
rebecca becky becca
susan sue susie
suzanne sue suzy
barbara barb babs
dorothy dot dottie
victoria vicky tori
virginia ginny
abigail abby
samantha sam sammy
josephine jo josie
johanna hanna jo
johannes hans hannes
wolfgang wolf
francisco paco pancho curro
jose pepe
jesus chucho chuy
guillermo memo
enrique kike
ignacio nacho
manuel manolo
dolores lola
concepcion concha
giuseppe beppe peppe pino
giovanni gianni
yosef yossi
avraham avi
yitzhak itzik
shmuel shmulik
yaakov kobi yankel
vladimir volodya vova
dmitry dmitri dmitriy dima mitya
mikhail misha
nikolai nikolay kolya
sergey sergei seryozha
yevgeny evgeny evgeniy yevgeniy zhenya
ivan vanya
pavel pasha
aleksey alexey alexei aleksei alyosha lyosha
konstantin kostya
anatoly anatoliy tolya
viktor victor vitya
yury yuri yuriy yura
vasily vasiliy vasili vasya
pyotr petr petya
grigory grigoriy grisha
boris borya
stanislav stas
yekaterina ekaterina katya
yelena elena lena
natalya natalia natasha
maria masha
tatyana tatiana tanya
anastasia nastya
svetlana sveta
lyudmila luda mila
";

/// Flag bit of the ids of nickname groups ([`Lexicon::is_nickname_group`]).
const NICKNAME_BIT: GroupId = 0x4000_0000;

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
            lex.add_builtin_groups();
            lex
        })
    }

    /// Adds one group of equivalent forms; returns its id. Forms are folded first.
    pub fn add_group<'a>(&mut self, forms: impl IntoIterator<Item = &'a str>) -> GroupId {
        let id = self.next_group;
        self.next_group += 1;
        self.insert_forms(id, forms);
        id
    }

    /// Adds one group of a formal given name and its hypocoristics ("William", "Bill", "Will"); returns its id,
    /// which [`Lexicon::is_nickname_group`] recognises.
    pub fn add_nickname_group<'a>(&mut self, forms: impl IntoIterator<Item = &'a str>) -> GroupId {
        let id = self.next_group | NICKNAME_BIT;
        self.next_group += 1;
        self.insert_forms(id, forms);
        id
    }

    /// Whether a group id is that of a nickname group (also for built-in ids carried beside a loaded lexicon).
    pub fn is_nickname_group(group: GroupId) -> bool {
        group & NICKNAME_BIT != 0
    }

    fn add_builtin_groups(&mut self) {
        for line in BUILTIN_GROUPS.lines() {
            self.add_group(line.split_whitespace());
        }
        for line in NICKNAME_GROUPS.lines() {
            self.add_nickname_group(line.split_whitespace());
        }
    }

    fn insert_forms<'a>(&mut self, id: GroupId, forms: impl IntoIterator<Item = &'a str>) {
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
        self.add_builtin_groups();
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
        // Nickname groups: one per formal name, flagged as such; a short form of two names links each to it,
        // not the two names to each other.
        let nickname = |a: &str, b: &str| {
            lex.groups(a)
                .iter()
                .any(|g| lex.groups(b).contains(g) && Lexicon::is_nickname_group(*g))
        };
        let table = [
            ("william", "bill", true),
            ("robert", "bob", true),
            ("theodore", "ted", true),
            ("edward", "ted", true),
            ("theodore", "edward", false),
            ("mikhail", "misha", true),
            ("benjamin", "ben", true),
            ("william", "robert", false),
            ("mohammed", "mehmet", false),
        ];
        for (a, b, want) in table {
            assert_eq!(nickname(a, b), want, "{a} / {b}");
        }
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
