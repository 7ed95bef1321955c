//! interdict-screen (being written).
