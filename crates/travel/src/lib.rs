//! interdict-travel (being written).
