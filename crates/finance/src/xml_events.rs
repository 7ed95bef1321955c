//! A small streaming view over quick-xml shared by the pacs.008 and goAML readers: element opens (local name and
//! attributes), closes, and text with entity and character references resolved and adjacent pieces joined.

use std::io::BufRead;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XmlEvent {
    Open {
        name: String,
        attributes: Vec<(String, String)>,
    },
    Close {
        name: String,
    },
    Text(String),
}

#[derive(Debug)]
pub(crate) struct XmlEvents<R: BufRead> {
    reader: quick_xml::Reader<R>,
    buf: Vec<u8>,
    pending: Vec<XmlEvent>,
    text: String,
    ended: bool,
}

impl<R: BufRead> XmlEvents<R> {
    pub(crate) fn new(input: R) -> Self {
        let mut reader = quick_xml::Reader::from_reader(input);
        reader.config_mut().trim_text(false);
        XmlEvents {
            reader,
            buf: Vec::new(),
            pending: Vec::new(),
            text: String::new(),
            ended: false,
        }
    }

    /// The byte offset reached in the input, for error messages.
    pub(crate) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next event, `Ok(None)` at the end of the document.
    pub(crate) fn next_event(&mut self) -> Result<Option<XmlEvent>, String> {
        use quick_xml::events::Event;
        loop {
            if !self.pending.is_empty() {
                return Ok(Some(self.pending.remove(0)));
            }
            if self.ended {
                return Ok(None);
            }
            self.buf.clear();
            let event = self
                .reader
                .read_event_into(&mut self.buf)
                .map_err(|e| e.to_string())?;
            match event {
                Event::Start(e) => {
                    let open = open_event(&e)?;
                    flush_text(&mut self.text, &mut self.pending);
                    self.pending.push(open);
                }
                Event::Empty(e) => {
                    let open = open_event(&e)?;
                    let name = local(e.local_name().as_ref());
                    flush_text(&mut self.text, &mut self.pending);
                    self.pending.push(open);
                    self.pending.push(XmlEvent::Close { name });
                }
                Event::End(e) => {
                    flush_text(&mut self.text, &mut self.pending);
                    self.pending.push(XmlEvent::Close {
                        name: local(e.local_name().as_ref()),
                    });
                }
                Event::Text(t) => self.text.push_str(&t.decode().map_err(|e| e.to_string())?),
                Event::CData(t) => self.text.push_str(&t.decode().map_err(|e| e.to_string())?),
                Event::GeneralRef(r) => {
                    if r.is_char_ref() {
                        match r.resolve_char_ref().map_err(|e| e.to_string())? {
                            Some(c) => self.text.push(c),
                            None => return Err("bad character reference".into()),
                        }
                    } else {
                        let name = r.decode().map_err(|e| e.to_string())?;
                        let c = match name.as_ref() {
                            "amp" => '&',
                            "lt" => '<',
                            "gt" => '>',
                            "quot" => '"',
                            "apos" => '\'',
                            other => return Err(format!("unknown entity &{other};")),
                        };
                        self.text.push(c);
                    }
                }
                Event::Eof => {
                    flush_text(&mut self.text, &mut self.pending);
                    self.ended = true;
                }
                _ => {}
            }
        }
    }
}

fn flush_text(text: &mut String, pending: &mut Vec<XmlEvent>) {
    let t = text.trim();
    if !t.is_empty() {
        pending.push(XmlEvent::Text(t.to_string()));
    }
    text.clear();
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).into_owned()
}

fn open_event(e: &quick_xml::events::BytesStart<'_>) -> Result<XmlEvent, String> {
    let mut attributes = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = local(a.key.local_name().as_ref());
        let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attributes.push((key, value));
    }
    Ok(XmlEvent::Open {
        name: local(e.local_name().as_ref()),
        attributes,
    })
}
