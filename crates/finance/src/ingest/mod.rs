//! Streaming readers that turn transaction files into [`crate::Transaction`]s. Each reader is an iterator of
//! `Result<Transaction, FinanceError>`: a bad record yields an error naming the record and field, and the
//! iteration goes on with the next record (principle 7).

pub mod amlsim;
pub mod csv_layout;
pub mod pacs008;

use crate::FinanceError;
use std::io::BufRead;

/// The transaction file formats Interdict reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionFormat {
    /// The documented Interdict CSV layout ([`csv_layout`]).
    Csv,
    /// IBM AMLSim `transactions.csv` (sourceNodeId,targetNodeId,value,time) or `tx.csv` outputs.
    AmlSim,
    /// ISO 20022 pacs.008 FI-to-FI customer credit transfer XML.
    Pacs008,
}

/// Detects the format from the start of a file: XML is pacs.008, a header naming `sourceNodeId` or
/// `TXN_SOURCE_TYPE_CODE` is AMLSim, anything else is the Interdict CSV layout.
pub fn detect_format(head: &[u8]) -> TransactionFormat {
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        TransactionFormat::Pacs008
    } else {
        let first = t.lines().next().unwrap_or("");
        if first.contains("sourceNodeId") || first.contains("TXN_SOURCE_TYPE_CODE") {
            TransactionFormat::AmlSim
        } else {
            TransactionFormat::Csv
        }
    }
}

/// Reads any supported format from `reader`, detected from its first bytes. `source_name` names the input in
/// errors.
///
/// # Errors
/// Returns an error when the input cannot be read or its header is unusable; record errors come from the
/// iterator.
pub fn read_transactions<'a, R: BufRead + 'a>(
    mut reader: R,
    source_name: &str,
    options: &crate::ingest::csv_layout::CsvOptions,
) -> Result<Box<dyn Iterator<Item = Result<crate::Transaction, FinanceError>> + 'a>, FinanceError> {
    let head = reader
        .fill_buf()
        .map_err(|e| FinanceError::input(source_name, e.to_string()))?
        .to_vec();
    Ok(match detect_format(&head) {
        TransactionFormat::Pacs008 => Box::new(pacs008::Pacs008Reader::new(
            reader,
            source_name,
            options.default_offset,
        )),
        TransactionFormat::AmlSim => Box::new(amlsim::AmlSimReader::new(reader, source_name)?),
        TransactionFormat::Csv => Box::new(csv_layout::CsvReader::new(
            reader,
            source_name,
            options.clone(),
        )?),
    })
}
