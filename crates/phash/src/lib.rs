//! interdict-phash (being written).
