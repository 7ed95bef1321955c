//! CMYK (and YCCK) JPEG samples converted to RGB the way Pillow's `convert("RGB")` does, plus the small JPEG
//! header reader the policy needs (EXIF orientation).

/// Converts 4-component samples as libjpeg outputs them (stored Adobe values, YCCK already turned into CMYK) to
/// RGB. Pillow reads every 4-component JPEG as Adobe-inverted CMYK (`CMYK;I`, "assume adobe conventions") and
/// converts with `cmyk2rgb`: `nk = 255 - K'`, `R = clip(nk - nk*C'/255)` with `C' = 255 - stored C` (rounded
/// `MULDIV255`).
pub(crate) fn cmyk_to_rgb(samples: &[u8]) -> Vec<u8> {
    let mut pixels = Vec::with_capacity(samples.len() / 4 * 3);
    for p in samples.chunks_exact(4) {
        // Stored Adobe samples are inverted; Pillow's CMYK;I unpacker inverts them back.
        let (c, m, y, k) = (255 - p[0], 255 - p[1], 255 - p[2], 255 - p[3]);
        let nk = 255 - i32::from(k);
        let channel = |v: u8| -> u8 {
            let tmp = i32::from(v) * nk + 128;
            let muldiv = ((tmp >> 8) + tmp) >> 8;
            (nk - muldiv).clamp(0, 255) as u8
        };
        pixels.extend_from_slice(&[channel(c), channel(m), channel(y)]);
    }
    pixels
}

/// Walks the JPEG marker segments before the first scan, calling `visit(marker, payload)`.
fn for_each_segment(bytes: &[u8], mut visit: impl FnMut(u8, &[u8]) -> bool) {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return;
    }
    let mut pos = 2;
    while pos + 4 <= bytes.len() {
        if bytes[pos] != 0xFF {
            return;
        }
        let marker = bytes[pos + 1];
        if marker == 0xFF {
            pos += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return;
        }
        let len = usize::from(u16::from_be_bytes([bytes[pos + 2], bytes[pos + 3]]));
        if len < 2 || pos + 2 + len > bytes.len() {
            return;
        }
        if !visit(marker, &bytes[pos + 4..pos + 2 + len]) {
            return;
        }
        pos += 2 + len;
    }
}

/// The EXIF Orientation value (1..=8) from the APP1 segment, if any.
pub(crate) fn exif_orientation(bytes: &[u8]) -> Option<u8> {
    let mut found = None;
    for_each_segment(bytes, |marker, payload| {
        if marker == 0xE1 && payload.starts_with(b"Exif\0\0") {
            found =
                image::metadata::Orientation::from_exif_chunk(&payload[6..]).map(|o| o.to_exif());
            return false;
        }
        true
    });
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_readers_never_panic_on_truncated_input() {
        let cases: &[&[u8]] = &[
            b"",
            b"\xff",
            b"\xff\xd8",
            b"\xff\xd8\xff\xc0\x00",
            b"\xff\xd8\xff\xc0\x00\x02",
            b"\xff\xd8\xff\xe1\xff\xff",
        ];
        for bytes in cases {
            assert_eq!(exif_orientation(bytes), None);
        }
        let app1 = b"\xff\xd8\xff\xe1\x00\x08Exif\0\0";
        assert_eq!(exif_orientation(app1), None);
    }

    #[test]
    fn cmyk_conversion_table() {
        // stored (inverted) C, M, Y, K -> RGB, as Pillow's CMYK;I + cmyk2rgb.
        for (stored, rgb) in [
            ([255, 255, 255, 255], [255, 255, 255]), // no ink
            ([255, 255, 255, 0], [0, 0, 0]),         // full black
            ([0, 255, 255, 255], [0, 255, 255]),     // full cyan
            ([128, 255, 255, 255], [128, 255, 255]), // half cyan
            ([128, 255, 255, 128], [64, 128, 128]),  // half cyan, half black
        ] {
            assert_eq!(cmyk_to_rgb(&stored), rgb, "{stored:?}");
        }
    }
}
