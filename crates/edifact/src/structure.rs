//! Envelope structure: interchanges (UNB..UNZ), groups (UNG..UNE) and messages (UNH..UNT), with the checks of
//! their trailers' counts and references. Problems become diagnostics; nothing is rejected.

use crate::{Diagnostic, DiagnosticKind, Segment, SegmentStore, ShortText};
use serde::Serialize;

/// An interchange header (UNB).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct InterchangeHeader {
    pub syntax_identifier: ShortText,
    pub syntax_version: ShortText,
    pub sender: ShortText,
    pub recipient: ShortText,
    /// Preparation date as written (YYMMDD or CCYYMMDD).
    pub date: ShortText,
    pub time: ShortText,
    pub reference: ShortText,
    pub application_reference: ShortText,
    /// Index of the UNB segment.
    pub segment: usize,
}

/// A message (UNH..UNT) inside the tokenized segments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MessageSpan {
    pub reference: ShortText,
    /// Message type (`PAXLST`, `PNRGOV`, `CUSRES`).
    pub message_type: ShortText,
    pub version: ShortText,
    pub release: ShortText,
    pub agency: ShortText,
    pub association_code: ShortText,
    /// Index of the UNH segment.
    pub start: usize,
    /// Index one past the UNT segment (or past the last segment of the message when UNT is missing).
    pub end: usize,
    /// Index into [`Envelope::interchanges`] of the interchange holding the message.
    pub interchange: Option<usize>,
    /// The group's message type when the message is inside a UNG group (UNG element 1).
    pub group_type: Option<ShortText>,
}

/// The envelope structure of a tokenized input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Envelope {
    pub interchanges: Vec<InterchangeHeader>,
    pub messages: Vec<MessageSpan>,
}

struct OpenMessage {
    span: MessageSpan,
}

/// Finds the interchanges and messages in `segments` and checks their trailers, appending problems to `out`.
pub fn check_envelope(segments: &SegmentStore, out: &mut Vec<Diagnostic>) -> Envelope {
    let mut env = Envelope::default();
    let mut open: Option<OpenMessage> = None;
    let mut group: Option<(usize, ShortText, ShortText, usize)> = None; // (UNG index, type, reference, messages)
    let mut interchange_units = 0usize; // messages or groups counted for UNZ
    let mut interchange_open = false;
    let mut saw_unb = false;

    let close_missing = |open: &mut Option<OpenMessage>,
                         end: usize,
                         env: &mut Envelope,
                         out: &mut Vec<Diagnostic>,
                         segs: &SegmentStore| {
        if let Some(m) = open.take() {
            let Some(unh) = segs.get(m.span.start) else {
                return;
            };
            out.push(
                Diagnostic::new(
                    DiagnosticKind::MissingTrailer,
                    unh.position,
                    format!(
                        "message {} ({}) has no UNT trailer",
                        m.span.reference, m.span.message_type
                    ),
                )
                .at_segment(unh.index, "UNH"),
            );
            let mut span = m.span;
            span.end = end;
            env.messages.push(span);
        }
    };

    for i in 0..segments.len() {
        // Only service segments (UNx) change the structure; the rest extend the open message.
        if segments.tag_bytes(i).first() != Some(&b'U') {
            if let Some(m) = open.as_mut() {
                m.span.end = i + 1;
            }
            continue;
        }
        let Some(seg) = segments.get(i) else { continue };
        let seg = &seg;
        match seg.tag() {
            "UNB" => {
                close_missing(&mut open, i, &mut env, out, segments);
                saw_unb = true;
                interchange_open = true;
                interchange_units = 0;
                env.interchanges.push(InterchangeHeader {
                    syntax_identifier: ShortText::new(seg.text(0, 0)),
                    syntax_version: ShortText::new(seg.text(0, 1)),
                    sender: ShortText::new(seg.text(1, 0)),
                    recipient: ShortText::new(seg.text(2, 0)),
                    date: ShortText::new(seg.text(3, 0)),
                    time: ShortText::new(seg.text(3, 1)),
                    reference: ShortText::new(seg.text(4, 0)),
                    application_reference: ShortText::new(seg.text(6, 0)),
                    segment: i,
                });
            }
            "UNG" => {
                close_missing(&mut open, i, &mut env, out, segments);
                group = Some((
                    i,
                    ShortText::new(seg.text(0, 0)),
                    ShortText::new(seg.text(4, 0)),
                    0,
                ));
                interchange_units += 1;
            }
            "UNH" => {
                close_missing(&mut open, i, &mut env, out, segments);
                if let Some(g) = group.as_mut() {
                    g.3 += 1;
                } else {
                    interchange_units += 1;
                }
                open = Some(OpenMessage {
                    span: MessageSpan {
                        reference: ShortText::new(seg.text(0, 0)),
                        message_type: ShortText::new(seg.text(1, 0).trim()),
                        version: ShortText::new(seg.text(1, 1)),
                        release: ShortText::new(seg.text(1, 2)),
                        agency: ShortText::new(seg.text(1, 3)),
                        association_code: ShortText::new(seg.text(1, 4)),
                        start: i,
                        end: i + 1,
                        interchange: env.interchanges.len().checked_sub(1),
                        group_type: group.as_ref().map(|g| g.1.clone()),
                    },
                });
            }
            "UNT" => match open.take() {
                Some(m) => {
                    let counted = i - m.span.start + 1;
                    let declared_text = seg.text(0, 0).trim();
                    match declared_text.parse::<usize>() {
                        Ok(declared) if declared == counted => {}
                        Ok(declared) => out.push(
                            Diagnostic::new(
                                DiagnosticKind::CountMismatch,
                                seg.position,
                                format!(
                                    "UNT declares {declared} segments but message {} has {counted} (UNH to UNT)",
                                    m.span.reference
                                ),
                            )
                            .at_segment(i, "UNT"),
                        ),
                        Err(_) => out.push(
                            Diagnostic::new(
                                DiagnosticKind::CountMismatch,
                                seg.position,
                                format!("UNT segment count \"{declared_text}\" is not a number; counted {counted}"),
                            )
                            .at_segment(i, "UNT"),
                        ),
                    }
                    let reference = seg.text(1, 0);
                    if reference != m.span.reference {
                        let msg = if reference.is_empty() {
                            format!(
                                "UNT has no message reference (UNH has \"{}\")",
                                m.span.reference
                            )
                        } else {
                            format!(
                                "UNT reference \"{reference}\" differs from UNH reference \"{}\"",
                                m.span.reference
                            )
                        };
                        out.push(
                            Diagnostic::new(DiagnosticKind::ReferenceMismatch, seg.position, msg)
                                .at_segment(i, "UNT"),
                        );
                    }
                    let mut span = m.span;
                    span.end = i + 1;
                    env.messages.push(span);
                }
                None => out.push(
                    Diagnostic::new(
                        DiagnosticKind::MissingTrailer,
                        seg.position,
                        "UNT without a UNH header",
                    )
                    .at_segment(i, "UNT"),
                ),
            },
            "UNE" => {
                close_missing(&mut open, i, &mut env, out, segments);
                match group.take() {
                    Some((_, _, reference, count)) => {
                        check_count(seg, count, "messages in the group", out);
                        check_reference(seg, &reference, "UNG", out);
                    }
                    None => out.push(
                        Diagnostic::new(
                            DiagnosticKind::MissingTrailer,
                            seg.position,
                            "UNE without a UNG header",
                        )
                        .at_segment(i, "UNE"),
                    ),
                }
            }
            "UNZ" => {
                close_missing(&mut open, i, &mut env, out, segments);
                if let Some((g, _, _, _)) = group.take() {
                    out.push(
                        Diagnostic::new(
                            DiagnosticKind::MissingTrailer,
                            segments.get(g).map(|s| s.position).unwrap_or_default(),
                            "UNG group has no UNE trailer",
                        )
                        .at_segment(g, "UNG"),
                    );
                }
                if interchange_open {
                    check_count(
                        seg,
                        interchange_units,
                        "messages or groups in the interchange",
                        out,
                    );
                    let reference = env.interchanges.last().map_or("", |h| h.reference.as_str());
                    check_reference(seg, reference, "UNB", out);
                } else {
                    out.push(
                        Diagnostic::new(
                            DiagnosticKind::MissingTrailer,
                            seg.position,
                            "UNZ without a UNB header",
                        )
                        .at_segment(i, "UNZ"),
                    );
                }
                interchange_open = false;
            }
            _ => {
                if let Some(m) = open.as_mut() {
                    m.span.end = i + 1;
                }
            }
        }
    }
    close_missing(&mut open, segments.len(), &mut env, out, segments);
    if !saw_unb {
        let position = segments.get(0).map(|s| s.position).unwrap_or_default();
        out.push(Diagnostic::new(
            DiagnosticKind::MissingInterchangeHeader,
            position,
            "no UNB interchange header",
        ));
    } else if interchange_open {
        let position = segments
            .iter()
            .next_back()
            .map(|s| s.position)
            .unwrap_or_default();
        out.push(Diagnostic::new(
            DiagnosticKind::MissingTrailer,
            position,
            "interchange has no UNZ trailer",
        ));
    }
    env
}

fn check_count(seg: &Segment, counted: usize, what: &str, out: &mut Vec<Diagnostic>) {
    let declared_text = seg.text(0, 0).trim();
    if declared_text.parse::<usize>().ok() != Some(counted) {
        out.push(
            Diagnostic::new(
                DiagnosticKind::CountMismatch,
                seg.position,
                format!(
                    "{} declares {declared_text:?} but there are {counted} {what}",
                    seg.tag()
                ),
            )
            .at_segment(seg.index, seg.tag()),
        );
    }
}

fn check_reference(seg: &Segment, expected: &str, header: &str, out: &mut Vec<Diagnostic>) {
    let reference = seg.text(1, 0);
    if reference != expected {
        out.push(
            Diagnostic::new(
                DiagnosticKind::ReferenceMismatch,
                seg.position,
                format!(
                    "{} reference \"{reference}\" differs from {header} reference \"{expected}\"",
                    seg.tag()
                ),
            )
            .at_segment(seg.index, seg.tag()),
        );
    }
}
