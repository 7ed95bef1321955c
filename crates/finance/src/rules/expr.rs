//! The rule expression language: a small, typed, side-effect-free language for rule conditions.
//!
//! ```text
//! expr    := or
//! or      := and ("or" and)*
//! and     := not ("and" not)*
//! not     := "not" not | compare
//! compare := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum | "not"? "in" list)?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := "-" unary | atom
//! atom    := number | 'string' | "true" | "false" | identifier | "(" expr ")"
//! list    := "[" (literal ("," literal)*)? "]" | identifier-of-a-named-list
//! ```
//!
//! Identifiers are the transaction fields of [`Field`], the pack's aggregates (in `when` only) and, after `in`,
//! the pack's named lists. Every expression is type-checked when the pack loads: numbers, strings and booleans
//! never mix, and a condition must be boolean. String comparisons ignore ASCII case. Identifiers naming
//! attributes that rules must not use (religion, ethnicity, health and the like, principle 4) are refused.

use crate::rules::Side;
use crate::{FinanceError, PartyKind, Transaction, UtcOffset};
use std::collections::HashMap;

/// Words that may not appear in any identifier of a rule pack (field, aggregate or list name): rules may not
/// use religion, ethnicity, health or similar attributes, nor data that reveals them.
pub const FORBIDDEN_ATTRIBUTES: &[&str] = &[
    "religio",
    "faith",
    "ethnic",
    "race",
    "racial",
    "tribe",
    "caste",
    "health",
    "medical",
    "disab",
    "meal",
    "diet",
    "halal",
    "kosher",
    "sexual",
    "sex_life",
    "politic",
    "trade_union",
    "union_member",
    "genetic",
    "biometric",
    "pregnan",
    "gender",
    "skin",
];

/// Whether an identifier names (or contains) a forbidden attribute; returns the forbidden word.
pub fn forbidden_attribute(identifier: &str) -> Option<&'static str> {
    let lower = identifier.to_ascii_lowercase();
    FORBIDDEN_ATTRIBUTES
        .iter()
        .copied()
        .find(|w| lower.contains(w))
}

/// A value of the current transaction seen from one side (`debtor` or `creditor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The amount converted to the pack currency, in major units.
    Amount,
    /// The amount in its own currency.
    AmountOriginal,
    Currency,
    Channel,
    /// `in` when the side is the creditor, `out` when it is the debtor.
    Direction,
    /// The channel moves cash.
    Cash,
    CrossBorder,
    Country,
    CounterpartyCountry,
    BankCountry,
    CounterpartyBankCountry,
    Kind,
    CounterpartyKind,
    DebtorCountry,
    CreditorCountry,
    DebtorKind,
    CreditorKind,
    /// Hour of day (0-23) in the pack's time zone.
    Hour,
}

const FIELDS: &[(&str, Field, Type)] = &[
    ("amount", Field::Amount, Type::Num),
    ("amount_original", Field::AmountOriginal, Type::Num),
    ("currency", Field::Currency, Type::Str),
    ("channel", Field::Channel, Type::Str),
    ("direction", Field::Direction, Type::Str),
    ("cash", Field::Cash, Type::Bool),
    ("cross_border", Field::CrossBorder, Type::Bool),
    ("country", Field::Country, Type::Str),
    (
        "counterparty_country",
        Field::CounterpartyCountry,
        Type::Str,
    ),
    ("bank_country", Field::BankCountry, Type::Str),
    (
        "counterparty_bank_country",
        Field::CounterpartyBankCountry,
        Type::Str,
    ),
    ("kind", Field::Kind, Type::Str),
    ("counterparty_kind", Field::CounterpartyKind, Type::Str),
    ("debtor_country", Field::DebtorCountry, Type::Str),
    ("creditor_country", Field::CreditorCountry, Type::Str),
    ("debtor_kind", Field::DebtorKind, Type::Str),
    ("creditor_kind", Field::CreditorKind, Type::Str),
    ("hour", Field::Hour, Type::Num),
];

/// The names of the transaction fields expressions can use.
pub fn field_names() -> impl Iterator<Item = &'static str> {
    FIELDS.iter().map(|(n, _, _)| *n)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Num,
    Str,
    Bool,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Num => "number",
            Type::Str => "string",
            Type::Bool => "boolean",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

/// The members of a list after `in`: strings (lower-cased) or numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ListValues {
    Str(Vec<String>),
    Num(Vec<f64>),
}

/// A compiled expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Num(f64),
    Str(String),
    Bool(bool),
    Field(Field),
    Aggregate(usize),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Neg(Box<Expr>),
    Arith(ArithOp, Box<Expr>, Box<Expr>),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    In {
        value: Box<Expr>,
        list: ListValues,
        negated: bool,
    },
    /// `channel == '...'` or `channel in [...]`, compiled to a set of channels (bit `c as u16`).
    ChannelIn {
        set: u16,
        negated: bool,
    },
    /// A kind field (`kind`, `counterparty_kind`, ...) compared with or tested against a list of kind names,
    /// compiled to a set of kinds.
    KindIn {
        field: Field,
        set: u8,
        negated: bool,
    },
    /// A country field compared with or tested against a list of codes, compiled to a bit set over the 26x26
    /// two-letter codes (`none`: whether an unknown country, read as "", is in the list).
    CountryIn {
        field: Field,
        set: Box<[u64; 11]>,
        none: bool,
        negated: bool,
    },
}

/// What an expression may refer to besides fields.
#[derive(Debug, Default)]
pub(crate) struct Scope<'a> {
    pub aggregates: Option<&'a HashMap<String, usize>>,
    pub lists: Option<&'a HashMap<String, ListValues>>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(f64),
    Str(String),
    Ident(String),
    Op(&'static str),
}

fn lex(src: &str, rule: &str) -> Result<Vec<(Token, usize)>, FinanceError> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && chars.get(i + 1).is_some_and(|(_, d)| d.is_ascii_digit()))
        {
            let start = i;
            while i < chars.len()
                && (chars[i].1.is_ascii_digit() || chars[i].1 == '.' || chars[i].1 == '_')
            {
                i += 1;
            }
            let text: String = chars[start..i]
                .iter()
                .map(|(_, c)| *c)
                .filter(|c| *c != '_')
                .collect();
            let v: f64 = text
                .parse()
                .map_err(|_| FinanceError::rule(rule, Some(pos), format!("bad number {text:?}")))?;
            out.push((Token::Num(v), pos));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].1.is_alphanumeric() || chars[i].1 == '_') {
                i += 1;
            }
            out.push((
                Token::Ident(chars[start..i].iter().map(|(_, c)| *c).collect()),
                pos,
            ));
        } else if c == '\'' || c == '"' {
            let quote = c;
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].1 != quote {
                i += 1;
            }
            if i >= chars.len() {
                return Err(FinanceError::rule(rule, Some(pos), "unterminated string"));
            }
            out.push((
                Token::Str(chars[start..i].iter().map(|(_, c)| *c).collect()),
                pos,
            ));
            i += 1;
        } else {
            let two: String = chars[i..chars.len().min(i + 2)]
                .iter()
                .map(|(_, c)| *c)
                .collect();
            let op = ["==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|o| two == *o);
            if let Some(op) = op {
                out.push((Token::Op(op), pos));
                i += 2;
            } else {
                let op = match c {
                    '<' => "<",
                    '>' => ">",
                    '+' => "+",
                    '-' => "-",
                    '*' => "*",
                    '/' => "/",
                    '(' => "(",
                    ')' => ")",
                    '[' => "[",
                    ']' => "]",
                    ',' => ",",
                    '!' => "!",
                    _ => {
                        return Err(FinanceError::rule(
                            rule,
                            Some(pos),
                            format!("unexpected character {c:?}"),
                        ));
                    }
                };
                out.push((Token::Op(op), pos));
                i += 1;
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: Vec<(Token, usize)>,
    at: usize,
    rule: &'a str,
    scope: &'a Scope<'a>,
    end: usize,
    depth: usize,
}

/// Compiles `src` into a boolean expression.
pub(crate) fn compile_condition(
    src: &str,
    rule: &str,
    scope: &Scope<'_>,
) -> Result<Expr, FinanceError> {
    compile_unspecialised(src, rule, scope).map(Expr::specialised)
}

fn compile_unspecialised(src: &str, rule: &str, scope: &Scope<'_>) -> Result<Expr, FinanceError> {
    let tokens = lex(src, rule)?;
    let mut p = Parser {
        tokens,
        at: 0,
        rule,
        scope,
        end: src.len(),
        depth: 0,
    };
    let (e, t) = p.or()?;
    if p.at < p.tokens.len() {
        return Err(p.error("unexpected text after the end of the expression"));
    }
    if t != Type::Bool {
        return Err(FinanceError::rule(
            rule,
            Some(0),
            format!("a condition must be boolean, this is a {}", t.name()),
        ));
    }
    Ok(e)
}

fn country_bit(code: &str) -> Option<usize> {
    match code.as_bytes() {
        [a @ b'a'..=b'z', b @ b'a'..=b'z'] => {
            Some(usize::from(a - b'a') * 26 + usize::from(b - b'a'))
        }
        _ => None,
    }
}

impl Expr {
    /// The same condition with string tests on enumerated fields (channel, kinds, countries) turned into set
    /// tests: same results (the string comparisons are ASCII case-insensitive, as `eval` does them), without
    /// comparing strings per transaction.
    fn specialised(self) -> Expr {
        let sp = |e: Box<Expr>| Box::new(e.specialised());
        match self {
            Expr::Not(e) => Expr::Not(sp(e)),
            Expr::And(a, b) => Expr::And(sp(a), sp(b)),
            Expr::Or(a, b) => Expr::Or(sp(a), sp(b)),
            Expr::Neg(e) => Expr::Neg(sp(e)),
            Expr::Arith(op, a, b) => Expr::Arith(op, sp(a), sp(b)),
            Expr::Cmp(op @ (CmpOp::Eq | CmpOp::Ne), a, b) => {
                let lit = match (&*a, &*b) {
                    (Expr::Field(f), Expr::Str(s)) | (Expr::Str(s), Expr::Field(f)) => {
                        Some((*f, s.to_ascii_lowercase()))
                    }
                    _ => None,
                };
                match lit.and_then(|(f, s)| Expr::set_test(f, &[s], op == CmpOp::Ne)) {
                    Some(e) => e,
                    None => Expr::Cmp(op, sp(a), sp(b)),
                }
            }
            Expr::Cmp(op, a, b) => Expr::Cmp(op, sp(a), sp(b)),
            Expr::In {
                value,
                list,
                negated,
            } => {
                let set = match (&*value, &list) {
                    (Expr::Field(f), ListValues::Str(l)) => Expr::set_test(*f, l, negated),
                    _ => None,
                };
                match set {
                    Some(e) => e,
                    None => Expr::In {
                        value: sp(value),
                        list,
                        negated,
                    },
                }
            }
            other => other,
        }
    }

    /// A set test for `field in members` (members lower-cased), when the field is enumerated.
    fn set_test(field: Field, members: &[String], negated: bool) -> Option<Expr> {
        match field {
            Field::Channel => {
                let mut set = 0u16;
                for c in crate::Channel::ALL {
                    if members.iter().any(|m| m.eq_ignore_ascii_case(c.as_str())) {
                        set |= 1 << c as u16;
                    }
                }
                Some(Expr::ChannelIn { set, negated })
            }
            Field::Kind | Field::CounterpartyKind | Field::DebtorKind | Field::CreditorKind => {
                let mut set = 0u8;
                for k in [
                    PartyKind::Unknown,
                    PartyKind::Person,
                    PartyKind::Organization,
                    PartyKind::Npo,
                ] {
                    if members.iter().any(|m| m.eq_ignore_ascii_case(k.as_str())) {
                        set |= 1 << k as u8;
                    }
                }
                Some(Expr::KindIn {
                    field,
                    set,
                    negated,
                })
            }
            Field::Country
            | Field::CounterpartyCountry
            | Field::BankCountry
            | Field::CounterpartyBankCountry
            | Field::DebtorCountry
            | Field::CreditorCountry => {
                let mut set = Box::new([0u64; 11]);
                for m in members {
                    if let Some(i) = country_bit(&m.to_ascii_lowercase()) {
                        set[i / 64] |= 1 << (i % 64);
                    }
                }
                Some(Expr::CountryIn {
                    field,
                    set,
                    none: members.iter().any(|m| m.is_empty()),
                    negated,
                })
            }
            _ => None,
        }
    }
}

impl Parser<'_> {
    fn pos(&self) -> usize {
        self.tokens.get(self.at).map(|t| t.1).unwrap_or(self.end)
    }

    fn error(&self, msg: impl Into<String>) -> FinanceError {
        FinanceError::rule(self.rule, Some(self.pos()), msg)
    }

    fn peek_op(&self, op: &str) -> bool {
        matches!(self.tokens.get(self.at), Some((Token::Op(o), _)) if *o == op)
    }

    fn peek_word(&self, w: &str) -> bool {
        matches!(self.tokens.get(self.at), Some((Token::Ident(i), _)) if i == w)
    }

    fn expect_op(&mut self, op: &str) -> Result<(), FinanceError> {
        if self.peek_op(op) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{op}`")))
        }
    }

    fn want(&self, got: Type, want: Type, what: &str, pos: usize) -> Result<(), FinanceError> {
        if got == want {
            Ok(())
        } else {
            Err(FinanceError::rule(
                self.rule,
                Some(pos),
                format!("{what} needs a {}, found a {}", want.name(), got.name()),
            ))
        }
    }

    fn or(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let (mut e, t) = self.and()?;
        while self.peek_word("or") || self.peek_op("||") {
            self.want(t, Type::Bool, "`or`", pos)?;
            self.at += 1;
            let p2 = self.pos();
            let (r, rt) = self.and()?;
            self.want(rt, Type::Bool, "`or`", p2)?;
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        Ok((e, t))
    }

    fn and(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let (mut e, t) = self.not()?;
        while self.peek_word("and") || self.peek_op("&&") {
            self.want(t, Type::Bool, "`and`", pos)?;
            self.at += 1;
            let p2 = self.pos();
            let (r, rt) = self.not()?;
            self.want(rt, Type::Bool, "`and`", p2)?;
            e = Expr::And(Box::new(e), Box::new(r));
        }
        Ok((e, t))
    }

    fn not(&mut self) -> Result<(Expr, Type), FinanceError> {
        if self.peek_word("not") || self.peek_op("!") {
            self.depth += 1;
            if self.depth > 64 {
                return Err(self.error("expression nested too deeply"));
            }
            self.at += 1;
            let pos = self.pos();
            let (e, t) = self.not()?;
            self.depth -= 1;
            self.want(t, Type::Bool, "`not`", pos)?;
            return Ok((Expr::Not(Box::new(e)), Type::Bool));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let (l, lt) = self.sum()?;
        let negated_in = self.peek_word("not")
            && matches!(self.tokens.get(self.at + 1), Some((Token::Ident(w), _)) if w == "in");
        if self.peek_word("in") || negated_in {
            self.at += if negated_in { 2 } else { 1 };
            let list = self.list()?;
            match (&list, lt) {
                (ListValues::Str(_), Type::Str) | (ListValues::Num(_), Type::Num) => {}
                _ => {
                    return Err(FinanceError::rule(
                        self.rule,
                        Some(pos),
                        format!("`in` compares a {} with a list of another type", lt.name()),
                    ));
                }
            }
            return Ok((
                Expr::In {
                    value: Box::new(l),
                    list,
                    negated: negated_in,
                },
                Type::Bool,
            ));
        }
        let op = match self.tokens.get(self.at) {
            Some((Token::Op("=="), _)) => CmpOp::Eq,
            Some((Token::Op("!="), _)) => CmpOp::Ne,
            Some((Token::Op("<"), _)) => CmpOp::Lt,
            Some((Token::Op("<="), _)) => CmpOp::Le,
            Some((Token::Op(">"), _)) => CmpOp::Gt,
            Some((Token::Op(">="), _)) => CmpOp::Ge,
            _ => return Ok((l, lt)),
        };
        self.at += 1;
        let rpos = self.pos();
        let (r, rt) = self.sum()?;
        if lt != rt {
            return Err(FinanceError::rule(
                self.rule,
                Some(rpos),
                format!("cannot compare a {} with a {}", lt.name(), rt.name()),
            ));
        }
        if lt != Type::Num && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err(FinanceError::rule(
                self.rule,
                Some(pos),
                format!("`<`, `>` need numbers, found a {}", lt.name()),
            ));
        }
        Ok((Expr::Cmp(op, Box::new(l), Box::new(r)), Type::Bool))
    }

    fn sum(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let (mut e, t) = self.product()?;
        while self.peek_op("+") || self.peek_op("-") {
            self.want(t, Type::Num, "arithmetic", pos)?;
            let op = if self.peek_op("+") {
                ArithOp::Add
            } else {
                ArithOp::Sub
            };
            self.at += 1;
            let p2 = self.pos();
            let (r, rt) = self.product()?;
            self.want(rt, Type::Num, "arithmetic", p2)?;
            e = Expr::Arith(op, Box::new(e), Box::new(r));
        }
        Ok((e, t))
    }

    fn product(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let (mut e, t) = self.unary()?;
        while self.peek_op("*") || self.peek_op("/") {
            self.want(t, Type::Num, "arithmetic", pos)?;
            let op = if self.peek_op("*") {
                ArithOp::Mul
            } else {
                ArithOp::Div
            };
            self.at += 1;
            let p2 = self.pos();
            let (r, rt) = self.unary()?;
            self.want(rt, Type::Num, "arithmetic", p2)?;
            e = Expr::Arith(op, Box::new(e), Box::new(r));
        }
        Ok((e, t))
    }

    fn unary(&mut self) -> Result<(Expr, Type), FinanceError> {
        if self.peek_op("-") {
            self.depth += 1;
            if self.depth > 64 {
                return Err(self.error("expression nested too deeply"));
            }
            self.at += 1;
            let pos = self.pos();
            let (e, t) = self.unary()?;
            self.depth -= 1;
            self.want(t, Type::Num, "`-`", pos)?;
            return Ok((Expr::Neg(Box::new(e)), Type::Num));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<(Expr, Type), FinanceError> {
        let pos = self.pos();
        let Some((tok, _)) = self.tokens.get(self.at).cloned() else {
            return Err(self.error("expression ends too early"));
        };
        self.at += 1;
        match tok {
            Token::Num(v) => Ok((Expr::Num(v), Type::Num)),
            Token::Str(s) => Ok((Expr::Str(s), Type::Str)),
            Token::Op("(") => {
                self.depth += 1;
                if self.depth > 64 {
                    return Err(self.error("expression nested too deeply"));
                }
                let e = self.or()?;
                self.depth -= 1;
                self.expect_op(")")?;
                Ok(e)
            }
            Token::Op(o) => Err(FinanceError::rule(
                self.rule,
                Some(pos),
                format!("unexpected `{o}`"),
            )),
            Token::Ident(w) => self.identifier(&w, pos),
        }
    }

    fn identifier(&self, w: &str, pos: usize) -> Result<(Expr, Type), FinanceError> {
        if let Some(bad) = forbidden_attribute(w) {
            return Err(FinanceError::rule(
                self.rule,
                Some(pos),
                format!(
                    "`{w}` refers to a forbidden attribute ({bad}): rules may not use religion, ethnicity, health or similar data"
                ),
            ));
        }
        match w {
            "true" => return Ok((Expr::Bool(true), Type::Bool)),
            "false" => return Ok((Expr::Bool(false), Type::Bool)),
            _ => {}
        }
        if let Some((_, f, t)) = FIELDS.iter().find(|(n, _, _)| *n == w) {
            return Ok((Expr::Field(*f), *t));
        }
        if let Some(i) = self.scope.aggregates.and_then(|aggs| aggs.get(w)) {
            return Ok((Expr::Aggregate(*i), Type::Num));
        }
        let hint = if self.scope.aggregates.is_none() {
            " (aggregates can be used in `when`, not in `where`)"
        } else {
            ""
        };
        Err(FinanceError::rule(
            self.rule,
            Some(pos),
            format!(
                "unknown name `{w}`{hint}; fields are: {}",
                field_names().collect::<Vec<_>>().join(", ")
            ),
        ))
    }

    fn list(&mut self) -> Result<ListValues, FinanceError> {
        let pos = self.pos();
        match self.tokens.get(self.at).cloned() {
            Some((Token::Ident(name), _)) => {
                self.at += 1;
                if let Some(bad) = forbidden_attribute(&name) {
                    return Err(FinanceError::rule(
                        self.rule,
                        Some(pos),
                        format!("list `{name}` refers to a forbidden attribute ({bad})"),
                    ));
                }
                self.scope
                    .lists
                    .and_then(|l| l.get(&name))
                    .cloned()
                    .ok_or_else(|| {
                        FinanceError::rule(self.rule, Some(pos), format!("unknown list `{name}`"))
                    })
            }
            Some((Token::Op("["), _)) => {
                self.at += 1;
                let mut strs = Vec::new();
                let mut nums = Vec::new();
                while !self.peek_op("]") {
                    match self.tokens.get(self.at).cloned() {
                        Some((Token::Str(s), _)) => strs.push(s.to_ascii_lowercase()),
                        Some((Token::Num(v), _)) => nums.push(v),
                        _ => return Err(self.error("a list holds 'strings' or numbers")),
                    }
                    self.at += 1;
                    if !self.peek_op("]") {
                        self.expect_op(",")?;
                    }
                }
                self.at += 1;
                match (strs.is_empty(), nums.is_empty()) {
                    (false, false) => Err(FinanceError::rule(
                        self.rule,
                        Some(pos),
                        "a list mixes strings and numbers",
                    )),
                    (_, true) => Ok(ListValues::Str(strs)),
                    (true, false) => Ok(ListValues::Num(nums)),
                }
            }
            _ => Err(self.error("expected a list `[...]` or a list name after `in`")),
        }
    }
}

/// What an expression is evaluated against.
#[derive(Debug)]
pub(crate) struct EvalContext<'a> {
    pub tx: &'a Transaction,
    pub side: Side,
    /// The amount in the pack currency, major units.
    pub amount: f64,
    pub offset: UtcOffset,
    /// Aggregate values for this side, by aggregate index (empty in `where` filters).
    pub aggregates: &'a [f64],
}

#[derive(Debug, Clone, Copy)]
enum Value<'a> {
    Num(f64),
    Str(&'a str),
    Bool(bool),
}

fn country_str(c: &Option<interdict_model::Country>) -> &str {
    c.as_ref().map(|c| c.code()).unwrap_or("")
}

impl Expr {
    /// Evaluates a boolean expression (type-checked at compile time).
    pub(crate) fn test(&self, cx: &EvalContext<'_>) -> bool {
        matches!(self.eval(cx), Value::Bool(true))
    }

    fn eval<'a>(&'a self, cx: &EvalContext<'a>) -> Value<'a> {
        match self {
            Expr::Num(v) => Value::Num(*v),
            Expr::Str(s) => Value::Str(s),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Aggregate(i) => Value::Num(cx.aggregates.get(*i).copied().unwrap_or(0.0)),
            Expr::Field(f) => field_value(*f, cx),
            Expr::Not(e) => Value::Bool(!e.test(cx)),
            Expr::And(a, b) => Value::Bool(a.test(cx) && b.test(cx)),
            Expr::Or(a, b) => Value::Bool(a.test(cx) || b.test(cx)),
            Expr::Neg(e) => Value::Num(-num(e.eval(cx))),
            Expr::Arith(op, a, b) => {
                let (x, y) = (num(a.eval(cx)), num(b.eval(cx)));
                Value::Num(match op {
                    ArithOp::Add => x + y,
                    ArithOp::Sub => x - y,
                    ArithOp::Mul => x * y,
                    ArithOp::Div => {
                        if y == 0.0 {
                            0.0
                        } else {
                            x / y
                        }
                    }
                })
            }
            Expr::Cmp(op, a, b) => Value::Bool(match (a.eval(cx), b.eval(cx)) {
                (Value::Num(x), Value::Num(y)) => match op {
                    CmpOp::Eq => x == y,
                    CmpOp::Ne => x != y,
                    CmpOp::Lt => x < y,
                    CmpOp::Le => x <= y,
                    CmpOp::Gt => x > y,
                    CmpOp::Ge => x >= y,
                },
                (Value::Str(x), Value::Str(y)) => {
                    let eq = x.eq_ignore_ascii_case(y);
                    if *op == CmpOp::Ne { !eq } else { eq }
                }
                (Value::Bool(x), Value::Bool(y)) => {
                    if *op == CmpOp::Ne {
                        x != y
                    } else {
                        x == y
                    }
                }
                _ => false,
            }),
            Expr::In {
                value,
                list,
                negated,
            } => {
                let found = match (value.eval(cx), list) {
                    (Value::Str(s), ListValues::Str(l)) => {
                        l.iter().any(|m| m.eq_ignore_ascii_case(s))
                    }
                    (Value::Num(v), ListValues::Num(l)) => l.contains(&v),
                    _ => false,
                };
                Value::Bool(found != *negated)
            }
            Expr::ChannelIn { set, negated } => {
                Value::Bool((set & (1 << cx.tx.channel as u16) != 0) != *negated)
            }
            Expr::KindIn {
                field,
                set,
                negated,
            } => {
                let kind = party_of(*field, cx).kind;
                Value::Bool((set & (1 << kind as u8) != 0) != *negated)
            }
            Expr::CountryIn {
                field,
                set,
                none,
                negated,
            } => {
                let p = party_of(*field, cx);
                let c = match field {
                    Field::BankCountry | Field::CounterpartyBankCountry => p.bank_country,
                    _ => p.country,
                };
                let found = match c.and_then(|c| country_bit(c.code())) {
                    Some(i) => set[i / 64] & (1 << (i % 64)) != 0,
                    None => c.is_none() && *none,
                };
                Value::Bool(found != *negated)
            }
        }
    }

    /// Every aggregate index the expression reads.
    pub(crate) fn aggregates_used(&self, out: &mut Vec<usize>) {
        match self {
            Expr::Aggregate(i) if !out.contains(i) => out.push(*i),
            Expr::Not(e) | Expr::Neg(e) => e.aggregates_used(out),
            Expr::And(a, b) | Expr::Or(a, b) | Expr::Arith(_, a, b) | Expr::Cmp(_, a, b) => {
                a.aggregates_used(out);
                b.aggregates_used(out);
            }
            Expr::In { value, .. } => value.aggregates_used(out),
            _ => {}
        }
    }
}

fn num(v: Value<'_>) -> f64 {
    match v {
        Value::Num(x) => x,
        _ => 0.0,
    }
}

/// The party a kind or country field reads.
fn party_of<'a>(f: Field, cx: &EvalContext<'a>) -> &'a crate::Party {
    let tx = cx.tx;
    let (me, other) = match cx.side {
        Side::Debtor => (&tx.debtor, &tx.creditor),
        Side::Creditor => (&tx.creditor, &tx.debtor),
    };
    match f {
        Field::Country | Field::BankCountry | Field::Kind => me,
        Field::CounterpartyCountry | Field::CounterpartyBankCountry | Field::CounterpartyKind => {
            other
        }
        Field::DebtorCountry | Field::DebtorKind => &tx.debtor,
        _ => &tx.creditor,
    }
}

fn field_value<'a>(f: Field, cx: &EvalContext<'a>) -> Value<'a> {
    let tx = cx.tx;
    let (me, other) = match cx.side {
        Side::Debtor => (&tx.debtor, &tx.creditor),
        Side::Creditor => (&tx.creditor, &tx.debtor),
    };
    match f {
        Field::Amount => Value::Num(cx.amount),
        Field::AmountOriginal => Value::Num(tx.amount.major()),
        Field::Currency => Value::Str(tx.currency.code()),
        Field::Channel => Value::Str(tx.channel.as_str()),
        Field::Direction => Value::Str(match cx.side {
            Side::Debtor => "out",
            Side::Creditor => "in",
        }),
        Field::Cash => Value::Bool(tx.channel.is_cash()),
        Field::CrossBorder => Value::Bool(tx.is_cross_border()),
        Field::Country => Value::Str(country_str(&me.country)),
        Field::CounterpartyCountry => Value::Str(country_str(&other.country)),
        Field::BankCountry => Value::Str(country_str(&me.bank_country)),
        Field::CounterpartyBankCountry => Value::Str(country_str(&other.bank_country)),
        Field::Kind => Value::Str(me.kind.as_str()),
        Field::CounterpartyKind => Value::Str(other.kind.as_str()),
        Field::DebtorCountry => Value::Str(country_str(&tx.debtor.country)),
        Field::CreditorCountry => Value::Str(country_str(&tx.creditor.country)),
        Field::DebtorKind => Value::Str(tx.debtor.kind.as_str()),
        Field::CreditorKind => Value::Str(tx.creditor.kind.as_str()),
        Field::Hour => Value::Num(tx.timestamp.local_hour(cx.offset) as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope_fixture() -> (HashMap<String, usize>, HashMap<String, ListValues>) {
        let mut aggs = HashMap::new();
        aggs.insert("cash_month".to_string(), 0);
        let mut lists = HashMap::new();
        lists.insert(
            "high_risk".to_string(),
            ListValues::Str(vec!["sy".into(), "iq".into()]),
        );
        (aggs, lists)
    }

    #[test]
    fn set_tests_evaluate_like_string_comparisons() {
        use crate::generator::{GeneratorConfig, SyntheticStream};
        let (aggs, mut lists) = scope_fixture();
        lists.insert(
            "odd".to_string(),
            ListValues::Str(vec!["".into(), "FR".into(), "x".into(), "npo".into()]),
        );
        let scope = Scope {
            aggregates: Some(&aggs),
            lists: Some(&lists),
        };
        let conditions = [
            "channel == 'Cash_Deposit'",
            "'wire' != channel",
            "channel in ['card', 'PREPAID_LOAD', 'cash']",
            "channel not in ['wire']",
            "kind == 'npo' or counterparty_kind == 'Organization'",
            "debtor_kind in ['person', 'unknown'] and creditor_kind != 'person'",
            "counterparty_country in high_risk or counterparty_bank_country in high_risk",
            "country in odd or bank_country not in odd",
            "debtor_country == '' or creditor_country == 'FR'",
            "kind in odd",
        ];
        let mut txs: Vec<crate::Transaction> = SyntheticStream::new(GeneratorConfig {
            transactions: 3_000,
            accounts: 500,
            ..GeneratorConfig::default()
        })
        .collect();
        // Unknown countries on some parties.
        for t in txs.iter_mut().step_by(7) {
            t.creditor.country = None;
            t.debtor.bank_country = None;
        }
        let mut fired = vec![0usize; conditions.len()];
        for (i, src) in conditions.iter().enumerate() {
            let fast = compile_condition(src, "R", &scope).unwrap();
            let slow = compile_unspecialised(src, "R", &scope).unwrap();
            assert_ne!(fast, slow, "{src} is specialised");
            for t in &txs {
                for side in [Side::Debtor, Side::Creditor] {
                    let cx = EvalContext {
                        tx: t,
                        side,
                        amount: 1.0,
                        offset: UtcOffset(0),
                        aggregates: &[],
                    };
                    assert_eq!(fast.test(&cx), slow.test(&cx), "{src} on {}", t.id);
                    fired[i] += usize::from(fast.test(&cx));
                }
            }
        }
        // Every condition is true sometimes and false sometimes.
        for (src, n) in conditions.iter().zip(&fired) {
            assert!(*n > 0 && *n < 2 * txs.len(), "{src}: {n}");
        }
    }

    #[test]
    fn compiles_or_rejects_with_position() {
        let (aggs, lists) = scope_fixture();
        let scope = Scope {
            aggregates: Some(&aggs),
            lists: Some(&lists),
        };
        let table: &[(&str, Result<(), &str>)] = &[
            ("amount >= 1000 and cash", Ok(())),
            (
                "cash_month > 10_000 or counterparty_country in high_risk",
                Ok(()),
            ),
            ("channel not in ['wire', 'card'] && !(amount < 5)", Ok(())),
            ("amount * 2 - 1 >= cash_month / 3", Ok(())),
            ("hour in [0, 1, 2, 3]", Ok(())),
            ("amount", Err("must be boolean")),
            ("amount > 'x'", Err("cannot compare")),
            ("channel > 'wire'", Err("need numbers")),
            ("religion == 'x'", Err("forbidden attribute")),
            ("country in ethnic_groups", Err("forbidden attribute")),
            ("salary > 3", Err("unknown name `salary`")),
            ("amount > ", Err("ends too early")),
            ("(amount > 1", Err("expected `)`")),
            ("amount > 1 1", Err("after the end")),
            ("channel == 'wire", Err("unterminated")),
            ("amount # 3", Err("unexpected character")),
            ("country in ['sy', 3]", Err("mixes")),
            ("amount in high_risk", Err("another type")),
        ];
        for (src, want) in table {
            let got = compile_condition(src, "R1", &scope);
            match (want, got) {
                (Ok(()), Ok(_)) => {}
                (Err(msg), Err(e)) => assert!(e.to_string().contains(msg), "{src}: {e}"),
                (w, g) => panic!("{src}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn aggregates_only_in_when() {
        let scope = Scope::default();
        let e = compile_condition("cash_month > 3", "A", &scope).unwrap_err();
        assert!(e.to_string().contains("not in `where`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = format!("{}true{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(compile_condition(&src, "D", &Scope::default()).is_err());
        let src = format!("{}true", "not ".repeat(10_000));
        assert!(compile_condition(&src, "D", &Scope::default()).is_err());
    }
}
