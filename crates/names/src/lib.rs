//! interdict-names (being written).
