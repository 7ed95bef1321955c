//! interdict-edifact (being written).
