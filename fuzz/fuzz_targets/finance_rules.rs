#![no_main]
//! The rule-pack loader (TOML, expression language) must never panic, and a pack that loads must run.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Also try the text as a bare `when` condition inside a minimal pack.
    let wrapped = format!(
        "[pack]\nid='f'\nversion='1'\ncurrency='EUR'\n[aggregates.a]\nfn='sum'\nentity='account'\nflow='any'\nwindow='7d'\n\
         [[rule]]\nid='F'\nversion=1\ntitle='t'\nreport='str'\nwhen={}\n",
        toml_string(text)
    );
    for candidate in [text, wrapped.as_str()] {
        if let Ok(pack) = interdict_finance::RulePack::from_toml_str(candidate) {
            let mut m = interdict_finance::Monitor::new(std::sync::Arc::new(pack));
            let config = interdict_finance::generator::GeneratorConfig { transactions: 20, accounts: 5, ..Default::default() };
            for tx in interdict_finance::generator::SyntheticStream::new(config) {
                let _ = m.process(tx);
            }
        }
    }
});

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
