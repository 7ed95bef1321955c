//! goAML XML output. Element order follows the 5.0.x schemas; text is escaped; nothing optional is written
//! empty (the schemas forbid empty strings in most places).

use super::{GoamlAddress, GoamlParty, GoamlReport, GoamlSubject, Reporter};
use std::fmt::Write;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry are dropped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, name: &str) {
        let _ = writeln!(self.out, "{:indent$}<{name}>", "", indent = self.depth * 2);
        self.depth += 1;
    }

    fn close(&mut self, name: &str) {
        self.depth -= 1;
        let _ = writeln!(self.out, "{:indent$}</{name}>", "", indent = self.depth * 2);
    }

    fn leaf(&mut self, name: &str, value: &str) {
        let _ = writeln!(
            self.out,
            "{:indent$}<{name}>{}</{name}>",
            "",
            escape(value),
            indent = self.depth * 2
        );
    }

    fn address(&mut self, name: &str, a: &GoamlAddress) {
        self.open(name);
        self.leaf("address_type", &a.address_type);
        self.leaf("address", &a.address);
        self.leaf("city", &a.city);
        self.leaf("country_code", &a.country_code);
        if let Some(s) = &a.state {
            self.leaf("state", s);
        }
        self.close(name);
    }

    fn party(&mut self, dir: &str, p: &GoamlParty) {
        self.open(&format!("t_{dir}"));
        self.leaf(&format!("{dir}_funds_code"), &p.funds_code);
        match &p.subject {
            GoamlSubject::Account {
                institution_name,
                swift,
                institution_code,
                account,
                account_name,
            } => {
                let el = format!("{dir}_account");
                self.open(&el);
                self.leaf("institution_name", institution_name);
                if let Some(s) = swift {
                    self.leaf("swift", s);
                } else if let Some(c) = institution_code {
                    self.leaf("institution_code", c);
                }
                self.leaf("account", account);
                if let Some(n) = account_name {
                    self.leaf("account_name", n);
                }
                self.close(&el);
            }
            GoamlSubject::Person {
                first_name,
                last_name,
            } => {
                let el = format!("{dir}_person");
                self.open(&el);
                self.leaf("first_name", first_name);
                self.leaf("last_name", last_name);
                self.close(&el);
            }
            GoamlSubject::Entity { name } => {
                let el = format!("{dir}_entity");
                self.open(&el);
                self.leaf("name", name);
                self.close(&el);
            }
        }
        self.leaf(&format!("{dir}_country"), &p.country);
        self.close(&format!("t_{dir}"));
    }
}

/// The report as goAML XML (UTF-8, with an XML declaration).
pub fn write_report(r: &GoamlReport) -> String {
    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    x.open("report");
    if let Some(v) = &r.schema_version {
        x.leaf("schema_version", v);
    }
    x.leaf("rentity_id", &r.rentity_id.to_string());
    x.leaf("rentity_branch", &r.rentity_branch);
    x.leaf("submission_code", &r.submission_code);
    x.leaf("report_code", &r.report_code);
    x.leaf("entity_reference", &r.entity_reference);
    x.leaf("submission_date", &r.submission_date);
    x.leaf("currency_code_local", &r.currency_code_local);
    match &r.reporter {
        Reporter::UserCode(c) => x.leaf("reporting_user_code", c),
        Reporter::Person {
            first_name,
            last_name,
        } => {
            x.open("reporting_person");
            x.leaf("first_name", first_name);
            x.leaf("last_name", last_name);
            x.close("reporting_person");
        }
    }
    x.address("location", &r.location);
    x.leaf("reason", &r.reason);
    x.leaf("action", &r.action);
    for t in &r.transactions {
        x.open("transaction");
        x.leaf("transactionnumber", &t.number);
        if let Some(i) = &t.internal_ref {
            x.leaf("internal_ref_number", i);
        }
        x.leaf("transaction_location", &t.location);
        x.leaf("transaction_description", &t.description);
        x.leaf("date_transaction", &t.date);
        x.leaf("transmode_code", &t.transmode_code);
        if let Some(c) = &t.transmode_comment {
            x.leaf("transmode_comment", c);
        }
        x.leaf("amount_local", &t.amount_local.to_string());
        x.party("from", &t.from);
        x.party("to", &t.to);
        x.close("transaction");
    }
    x.open("report_indicators");
    for i in &r.indicators {
        x.leaf("indicator", i);
    }
    x.close("report_indicators");
    x.close("report");
    x.out
}
