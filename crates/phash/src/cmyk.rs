//! CMYK (and YCCK) JPEGs, decoded to RGB the way Pillow's `convert("RGB")` does, plus the two small JPEG header
//! readers the policy needs (component count, EXIF orientation).

use crate::decode::{Decoded, RgbImage};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

/// Decodes a 4-component JPEG. Pillow reads such files as Adobe-inverted CMYK (`CMYK;I`) and converts with
/// `cmyk2rgb`: `nk = 255 - K'`, `R = clip(nk - nk*C'/255)` with `C' = 255 - stored C` (rounded `MULDIV255`).
pub(crate) fn decode_cmyk_jpeg(bytes: &[u8]) -> Result<Decoded, String> {
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::CMYK)
        .set_max_width(1 << 16)
        .set_max_height(1 << 16);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(bytes), options);
    let samples = decoder.decode().map_err(|e| format!("{e:?}"))?;
    let (width, height) = decoder.dimensions().ok_or("no dimensions in JPEG header")?;
    let (width, height) = (width, height);
    if samples.len() != width * height * 4 {
        return Err(format!(
            "CMYK JPEG decoded to {} bytes for {width}x{height}",
            samples.len()
        ));
    }
    let mut pixels = Vec::with_capacity(width * height * 3);
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
    Ok(Decoded::Rgb(RgbImage {
        width,
        height,
        pixels,
    }))
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

/// Number of components in the JPEG frame header (SOFn), if found.
pub(crate) fn frame_components(bytes: &[u8]) -> Option<u8> {
    let mut found = None;
    for_each_segment(bytes, |marker, payload| {
        let is_sof = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_sof && payload.len() >= 6 {
            found = Some(payload[5]);
            return false;
        }
        true
    });
    found
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
            assert_eq!(frame_components(bytes), None);
            assert_eq!(exif_orientation(bytes), None);
        }
        let sof = b"\xff\xd8\xff\xc0\x00\x08\x08\x00\x10\x00\x10\x04";
        assert_eq!(frame_components(sof), Some(4));
    }
}
