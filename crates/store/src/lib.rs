//! interdict-store (being written).
