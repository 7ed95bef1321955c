//! The hash-list CSV read by `interdict hash-index build`: a header with `id` and `pdq` columns (any order, other
//! columns ignored), one hash per row. Lenient: a bad row is reported with its line and field and skipped.

use crate::bank::ImportProblem;
use crate::hash256::PdqHash;

/// Parses a hash list. Returns the good `(id, hash)` rows in file order and one problem per bad row.
pub fn parse_hash_list(text: &str) -> (Vec<(String, PdqHash)>, Vec<ImportProblem>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.to_ascii_lowercase()).collect(),
        Err(e) => {
            problems.push(ImportProblem {
                line: 1,
                field: "header".into(),
                reason: e.to_string(),
            });
            return (rows, problems);
        }
    };
    let (Some(c_id), Some(c_pdq)) = (
        header.iter().position(|h| h == "id"),
        header.iter().position(|h| h == "pdq" || h == "hash"),
    ) else {
        problems.push(ImportProblem {
            line: 1,
            field: "header".into(),
            reason: "expected columns id and pdq".into(),
        });
        return (rows, problems);
    };
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(ImportProblem {
                    line,
                    field: "record".into(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let (Some(id), Some(hex)) = (record.get(c_id), record.get(c_pdq)) else {
            problems.push(ImportProblem {
                line,
                field: "pdq".into(),
                reason: "missing column".into(),
            });
            continue;
        };
        match PdqHash::from_hex(hex) {
            Ok(h) => rows.push((id.to_string(), h)),
            Err(e) => problems.push(ImportProblem {
                line,
                field: "pdq".into(),
                reason: e.to_string(),
            }),
        }
    }
    (rows, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_list_table() {
        let h = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
        let cases = [
            (format!("id,pdq\na,{h}\nb,{h}\n"), 2, 0),
            (format!("pdq,id,extra\n{h},a,x\n"), 1, 0),
            (format!("id,pdq\na,{h}\nb,nothex\nc\n"), 1, 2),
            ("name,value\n".to_string(), 0, 1),
            (String::new(), 0, 1),
        ];
        for (text, ok, bad) in cases {
            let (rows, problems) = parse_hash_list(&text);
            assert_eq!(
                (rows.len(), problems.len()),
                (ok, bad),
                "{text:?}: {problems:?}"
            );
        }
        let (_, problems) = parse_hash_list(&format!("id,pdq\na,{h}\nb,xyz\n"));
        assert_eq!((problems[0].line, problems[0].field.as_str()), (3, "pdq"));
    }
}
