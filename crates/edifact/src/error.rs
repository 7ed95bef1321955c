//! The crate's error type.

use crate::Position;

/// Errors of strict accessors. Tokenizing itself never fails: problems become [`crate::Diagnostic`]s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EdifactError {
    #[error(
        "segment {segment} {tag} at {position}: element {element} component {component} is missing or empty"
    )]
    MissingComponent {
        tag: String,
        segment: usize,
        element: usize,
        component: usize,
        position: Position,
    },
}
