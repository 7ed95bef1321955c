//! interdict-lists (being written).
