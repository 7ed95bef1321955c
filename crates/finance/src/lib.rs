//! interdict-finance (being written).
