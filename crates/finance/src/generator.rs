//! A deterministic synthetic transaction stream for throughput runs and tests: fictional customers (made-up
//! names), a realistic channel mix (transfers, cash, cards, prepaid loads, remittances), some cross-border and
//! high-risk-corridor traffic, non-profit accounts, and optionally planted names (for example watchlist names,
//! so that party screening has hits to find). Same seed, same stream.
//!
//! Parties: the bank's own customers (`accounts`, a few very active) and, as in a real bank's traffic, many
//! more counterparties at other banks (`external_parties`, by default twice the customers): merchants,
//! employers and utilities that many customers pay or are paid by, and a long tail of people and firms seen
//! a few times, some abroad. So the number of distinct parties keeps growing with the stream, as it does at a
//! bank, and party screening meets new names throughout, not only at the start.

use crate::{Amount, Channel, Currency, Party, PartyKind, Timestamp, Transaction};
use interdict_model::Country;

/// How to generate.
#[derive(Debug, Clone)]
pub struct GeneratorConfig {
    pub transactions: u64,
    pub accounts: u32,
    pub seed: u64,
    pub start: Timestamp,
    /// Seconds between the first and the last transaction.
    pub span_seconds: i64,
    /// Names put on a creditor every `plant_every` transactions (cycling through the list).
    pub planted_names: Vec<String>,
    pub plant_every: u64,
    /// Counterparties at other banks (0: twice `accounts`).
    pub external_parties: u32,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            transactions: 100_000,
            accounts: 50_000,
            seed: 1,
            start: Timestamp(1_767_225_600), // 2026-01-01T00:00:00Z
            span_seconds: 365 * 86_400,
            planted_names: Vec::new(),
            plant_every: 100_000,
            external_parties: 0,
        }
    }
}

/// The stream; an iterator of [`Transaction`]s in time order.
#[derive(Debug, Clone)]
pub struct SyntheticStream {
    config: GeneratorConfig,
    n: u64,
    rng: u64,
    /// The account holders, built once.
    parties: Vec<Party>,
    /// The other banks' BICs (per bank and home country, as `HOME` lists them) and names (per bank).
    bank_bics: Vec<String>,
    bank_names: Vec<String>,
}

const GIVEN: &[&str] = &[
    "Alba",
    "Bruno",
    "Corin",
    "Delphine",
    "Emeric",
    "Faustine",
    "Gaspard",
    "Hortense",
    "Ilian",
    "Jorane",
    "Kilian",
    "Lisandre",
    "Maelis",
    "Nolwen",
    "Oriane",
    "Perrin",
    "Quitterie",
    "Romaric",
    "Solveig",
    "Tancrede",
    "Ulrike",
    "Valerian",
    "Wilma",
    "Xandre",
    "Ysaline",
    "Zephyr",
];
const FAMILY: &[&str] = &[
    "Arvenne",
    "Belcourt",
    "Castelnau",
    "Dubreuil",
    "Estagnol",
    "Fontclaire",
    "Gravelotte",
    "Hautmesnil",
    "Issarts",
    "Jonquieres",
    "Kerbrat",
    "Lamothe",
    "Montferrand",
    "Noirefosse",
    "Orbigny",
    "Pradelles",
    "Quincerot",
    "Rochemaure",
    "Sauveterre",
    "Tournemire",
    "Urtubie",
    "Vaudrey",
    "Willerval",
    "Xaintrailles",
    "Yzeron",
    "Zuydcoote",
];
const ORG: &[&str] = &[
    "Atelier",
    "Comptoir",
    "Maison",
    "Societe",
    "Cooperative",
    "Fondation",
    "Association",
];
/// Banks the external counterparties hold their accounts at.
const OTHER_BANKS: u64 = 60;
const HOME: [&str; 8] = ["fr", "fr", "fr", "fr", "de", "be", "es", "it"];
const ABROAD: [&str; 10] = ["gb", "ch", "ma", "tn", "tr", "ae", "sy", "iq", "so", "ye"];

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Appends `n` in decimal, zero-padded to `width` digits (what `format!("{n:0width$}")` writes, without the
/// formatting machinery: the generator writes several numbers per transaction).
fn push_decimal(out: &mut String, n: u64, width: usize) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut n = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for _ in (digits.len() - i)..width {
        out.push('0');
    }
    out.extend(digits[i..].iter().map(|&d| char::from(d)));
}

/// Writes `parts` joined, then `n` in decimal padded to `width`, over `s` (in place when it has the room,
/// else in one allocation of the exact size).
fn write_joined(s: &mut String, parts: &[&str], n: u64, width: usize) {
    let digits = n.checked_ilog10().unwrap_or(0) as usize + 1;
    s.clear();
    s.reserve_exact(parts.iter().map(|p| p.len()).sum::<usize>() + digits.max(width));
    for p in parts {
        s.push_str(p);
    }
    push_decimal(s, n, width);
}

#[cfg(test)]
fn joined(parts: &[&str], n: u64, width: usize) -> String {
    let mut s = String::new();
    write_joined(&mut s, parts, n, width);
    s
}

/// Writes `src` over `dst`, reusing its buffer.
fn assign(dst: &mut String, src: &str) {
    dst.clear();
    dst.push_str(src);
}

/// `*dst = src.clone()`, reusing `dst`'s strings.
fn assign_party(dst: &mut Party, src: &Party) {
    assign(&mut dst.account, &src.account);
    assign(&mut dst.customer, &src.customer);
    assign(&mut dst.name, &src.name);
    dst.kind = src.kind;
    dst.country = src.country;
    assign(&mut dst.identifier, &src.identifier);
    assign(&mut dst.bank_bic, &src.bank_bic);
    assign(&mut dst.bank_name, &src.bank_name);
    dst.bank_country = src.bank_country;
}

/// `*dst = Party::default()`, keeping `dst`'s buffers.
fn clear_party(dst: &mut Party) {
    for s in [
        &mut dst.account,
        &mut dst.customer,
        &mut dst.name,
        &mut dst.identifier,
        &mut dst.bank_bic,
        &mut dst.bank_name,
    ] {
        s.clear();
    }
    dst.kind = PartyKind::default();
    dst.country = None;
    dst.bank_country = None;
}

fn country(code: &str) -> Option<Country> {
    Country::from_code(code)
}

impl SyntheticStream {
    pub fn new(config: GeneratorConfig) -> Self {
        let rng = config.seed ^ 0x5EED;
        let mut stream = SyntheticStream {
            config,
            n: 0,
            rng,
            parties: Vec::new(),
            bank_bics: (0..OTHER_BANKS * HOME.len() as u64)
                .map(|k| {
                    let (bank, home) = (k / HOME.len() as u64, HOME[k as usize % HOME.len()]);
                    format!("BK{bank:02}{}XXXXX", home.to_ascii_uppercase())
                })
                .collect(),
            bank_names: (0..OTHER_BANKS)
                .map(|bank| format!("Other Bank {bank}"))
                .collect(),
        };
        stream.parties = (0..stream.config.accounts.max(2))
            .map(|i| stream.account_party(i))
            .collect();
        stream
    }

    fn next_u64(&mut self) -> u64 {
        splitmix(&mut self.rng)
    }

    /// The customer holding account number `i` (stable across the stream).
    pub fn account_party(&self, i: u32) -> Party {
        let mut h = u64::from(i) ^ self.config.seed.rotate_left(17);
        let a = splitmix(&mut h);
        let kind = match a % 100 {
            0 => PartyKind::Npo,
            1..=9 => PartyKind::Organization,
            _ => PartyKind::Person,
        };
        let family = FAMILY[(a >> 8) as usize % FAMILY.len()];
        let name = match kind {
            PartyKind::Person => format!(
                "{} {} {}",
                GIVEN[(a >> 16) as usize % GIVEN.len()],
                family,
                i % 997
            ),
            PartyKind::Npo => format!("Association {} {}", family, i % 997),
            _ => format!(
                "{} {} {}",
                ORG[(a >> 24) as usize % ORG.len()],
                family,
                i % 997
            ),
        };
        let home = HOME[(a >> 32) as usize % HOME.len()];
        Party {
            account: format!("FR76{i:010}"),
            customer: format!("C{i}"),
            name,
            kind,
            country: country(home),
            identifier: String::new(),
            bank_bic: "EXBKFRPPXXX".into(),
            bank_name: "Banque Exemple".into(),
            bank_country: country("fr"),
        }
    }
}

impl SyntheticStream {
    fn external_count(&self) -> u32 {
        match self.config.external_parties {
            0 => self.config.accounts.max(2).saturating_mul(2),
            n => n,
        }
    }

    /// Counterparty number `i` at another bank (stable across the stream). The most used ones (the first
    /// twentieth) are businesses: merchants, employers, utilities.
    pub fn external_party(&self, i: u32) -> Party {
        let mut p = Party::default();
        self.write_external_party(i, &mut p);
        p
    }

    /// [`Self::external_party`] written over `p`, reusing its strings.
    fn write_external_party(&self, i: u32, p: &mut Party) {
        let mut h = u64::from(i) ^ self.config.seed.rotate_left(29) ^ 0xE7E2;
        let a = splitmix(&mut h);
        let business = i < (self.external_count() / 20).max(1);
        let family = FAMILY[(a >> 8) as usize % FAMILY.len()];
        let (kind, first) = if business || a % 100 < 8 {
            (PartyKind::Organization, ORG[(a >> 24) as usize % ORG.len()])
        } else {
            (PartyKind::Person, GIVEN[(a >> 16) as usize % GIVEN.len()])
        };
        let home_index = (a >> 32) as usize % HOME.len();
        let home = HOME[home_index];
        let bank = (a >> 40) % OTHER_BANKS;
        write_joined(&mut p.account, &["EX"], u64::from(i), 10);
        p.customer.clear();
        write_joined(&mut p.name, &[first, " ", family, " "], u64::from(i), 0);
        p.kind = kind;
        p.country = country(home);
        p.identifier.clear();
        assign(
            &mut p.bank_bic,
            &self.bank_bics[bank as usize * HOME.len() + home_index],
        );
        assign(&mut p.bank_name, &self.bank_names[bank as usize]);
        p.bank_country = country(home);
    }

    /// Writes the next transaction over `tx` (what [`Iterator::next`] would return), reusing its strings:
    /// `false`, and `tx` untouched, at the end of the stream. [`crate::parallel::run_refilling`] hands back
    /// the transactions the monitors are done with, so a long run allocates next to nothing per transaction.
    pub fn next_into(&mut self, tx: &mut Transaction) -> bool {
        if self.n >= self.config.transactions {
            return false;
        }
        let n = self.n;
        self.n += 1;
        let r = self.next_u64();
        let accounts = self.config.accounts.max(2);
        let externals = self.external_count();
        // A skewed choice of accounts: a few are very active.
        let pick = |x: u64| -> u32 {
            let u = (x % 1_000_000) as f64 / 1_000_000.0;
            ((u * u) * accounts as f64) as u32 % accounts
        };
        // Counterparties at other banks: more skewed still (the top 1% take about a fifth of the traffic).
        let pick_external = |x: u64, within: u32| -> u32 {
            let u = (x % 1_000_000) as f64 / 1_000_000.0;
            ((u * u * u) * within as f64) as u32 % within.max(1)
        };
        let a = pick(r);
        let b = pick(self.next_u64());
        let b = if b == a { (b + 1) % accounts } else { b };
        let r2 = self.next_u64();
        let channel = match r2 % 100 {
            0..=59 => Channel::Wire,
            60..=69 => Channel::CashDeposit,
            70..=77 => Channel::CashWithdrawal,
            78..=84 => Channel::Card,
            85..=88 => Channel::PrepaidLoad,
            89..=92 => Channel::Remittance,
            93..=95 => Channel::CashPayment,
            _ => Channel::Cheque,
        };
        // Amounts: mostly small, a long tail up to about 20,000.
        let r3 = self.next_u64();
        let cents = match r3 % 100 {
            0..=69 => 1_000 + (r3 >> 8) % 50_000,
            70..=94 => 50_000 + (r3 >> 8) % 400_000,
            _ => 450_000 + (r3 >> 8) % 1_600_000,
        };
        let timestamp = Timestamp(
            self.config.start.0
                + (i128::from(self.config.span_seconds) * i128::from(n)
                    / i128::from(self.config.transactions.max(1))) as i64,
        );
        let r4 = self.next_u64();
        let merchants = (externals / 20).max(1);
        // Each side is written once, from the account holder or the counterparty it ends up being.
        let (debtor, creditor) = (&mut tx.debtor, &mut tx.creditor);
        let own = |i: u32, p: &mut Party| assign_party(p, &self.parties[i as usize]);
        match channel {
            Channel::CashDeposit => {
                clear_party(debtor);
                own(b, creditor);
            }
            Channel::CashWithdrawal => {
                own(a, debtor);
                clear_party(creditor);
            }
            Channel::Card | Channel::CashPayment | Channel::PrepaidLoad => {
                // Paid to a merchant (or a card issuer), usually at another bank.
                own(a, debtor);
                self.write_external_party(pick_external(r4, merchants), creditor);
            }
            Channel::Wire | Channel::Remittance | Channel::Cheque => {
                let e = pick_external(r4 >> 20, externals);
                match (r4 % 100, channel) {
                    // Between two customers of the bank.
                    (0..=34, Channel::Wire | Channel::Cheque) => {
                        own(a, debtor);
                        own(b, creditor);
                    }
                    // Paid in from another bank (salaries, refunds, family).
                    (35..=59, Channel::Wire | Channel::Cheque) => {
                        self.write_external_party(e, debtor);
                        own(b, creditor);
                    }
                    // Paid out to another bank.
                    _ => {
                        own(a, debtor);
                        self.write_external_party(e, creditor);
                    }
                }
                if creditor.customer.is_empty() && r2 % 97 < 6 {
                    // Cross-border: the creditor is abroad.
                    let c = ABROAD[(r2 >> 16) as usize % ABROAD.len()];
                    creditor.country = country(c);
                    creditor.bank_country = country(c);
                    assign(&mut creditor.bank_name, "Foreign Bank Example");
                    creditor.bank_bic.clear();
                    let upper = c.to_ascii_uppercase();
                    write_joined(&mut creditor.account, &["X", &upper], u64::from(e), 8);
                }
            }
            Channel::Other => {
                own(a, debtor);
                own(b, creditor);
            }
        }
        if !self.config.planted_names.is_empty()
            && self.config.plant_every > 0
            && n % self.config.plant_every == self.config.plant_every / 2
        {
            let k = (n / self.config.plant_every) as usize % self.config.planted_names.len();
            assign(&mut creditor.name, &self.config.planted_names[k]);
            creditor.kind = PartyKind::Unknown;
        }
        write_joined(&mut tx.id, &["g"], n, 0);
        tx.timestamp = timestamp;
        tx.amount = Amount(cents as i64);
        tx.currency = Currency::EUR;
        tx.channel = channel;
        tx.purpose.clear();
        true
    }
}

impl crate::parallel::Refill for SyntheticStream {
    fn refill(&mut self, tx: &mut Transaction) -> bool {
        self.next_into(tx)
    }
}

impl Iterator for SyntheticStream {
    type Item = Transaction;

    fn next(&mut self) -> Option<Transaction> {
        let mut tx = Transaction {
            id: String::new(),
            timestamp: Timestamp(0),
            amount: Amount(0),
            currency: Currency::EUR,
            channel: Channel::default(),
            debtor: Party::default(),
            creditor: Party::default(),
            purpose: String::new(),
        };
        self.next_into(&mut tx).then_some(tx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_written_as_format_writes_them() {
        for n in [0u64, 7, 10, 99, 1_000, 123_456_789, u64::MAX] {
            for width in [0usize, 2, 8, 10, 25] {
                let s = joined(&["EX", ""], n, width);
                assert_eq!(s, format!("EX{n:0width$}"));
                assert_eq!(s.capacity(), s.len(), "{s}");
            }
        }
    }

    #[test]
    fn written_over_old_transactions_as_built_afresh() {
        let cfg = GeneratorConfig {
            transactions: 5_000,
            accounts: 300,
            planted_names: vec!["Planted Name".into()],
            plant_every: 7,
            ..GeneratorConfig::default()
        };
        let fresh: Vec<Transaction> = SyntheticStream::new(cfg.clone()).collect();
        // Slots cycling through older transactions of every shape.
        let mut slots: Vec<Transaction> = fresh[..3].to_vec();
        let mut s = SyntheticStream::new(cfg);
        for (i, want) in fresh.iter().enumerate() {
            let slot = &mut slots[i % 3];
            assert!(s.next_into(slot));
            assert_eq!(slot, want, "transaction {i}");
        }
        assert!(!s.next_into(&mut slots[0]));
        assert_eq!(slots[0], fresh[4_998], "untouched at the end");
    }

    #[test]
    fn deterministic_and_ordered() {
        let cfg = GeneratorConfig {
            transactions: 2_000,
            accounts: 300,
            ..GeneratorConfig::default()
        };
        let a: Vec<Transaction> = SyntheticStream::new(cfg.clone()).collect();
        let b: Vec<Transaction> = SyntheticStream::new(cfg).collect();
        assert_eq!(a, b);
        assert_eq!(a.len(), 2_000);
        assert!(a.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        assert!(a.iter().any(|t| t.channel == Channel::CashDeposit));
        assert!(a.iter().any(|t| t.is_cross_border()));
    }
}
