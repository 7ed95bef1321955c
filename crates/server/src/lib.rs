//! interdict-server (being written).
