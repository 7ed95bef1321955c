//! JPEG decoding with libjpeg-turbo (the system `libturbojpeg`), the decoder inside Pillow and so behind the
//! `pdqhash` package and the ThreatExchange tools: the same file gives the same pixels, and so the same hash.
//!
//! Decoder settings are libjpeg's defaults, which Pillow keeps: the accurate integer IDCT (`JDCT_ISLOW`) and
//! fancy (triangle-filter) chroma upsampling; greyscale is replicated into R, G, B as Pillow's `convert("RGB")`.
//! 4-component files (CMYK, YCCK) come out as CMYK samples and go through Pillow's `CMYK;I` + `cmyk2rgb`
//! ([`crate::cmyk`]).
//!
//! Damaged files: libjpeg keeps decoding through recoverable damage ("Corrupt JPEG data: ...", an unknown JFIF
//! version, an odd progression) and so does Pillow; those warnings are accepted. A truncated file ("Premature end
//! of JPEG file") is refused, as Pillow refuses it (`image file is truncated`), and so is every fatal error.

use crate::decode::RgbImage;
use turbojpeg::{Colorspace, Decompressor, Image, PixelFormat};

/// libjpeg warning texts (jerror.h `JWRN_*`) after which the decoded pixels are complete and kept. TurboJPEG's
/// version-2 API reports a warning like an error, with the message as the only way to tell them apart.
const RECOVERABLE_WARNINGS: &[&str] = &[
    "Corrupt JPEG data",
    "Warning: unknown JFIF revision",
    "Inconsistent progression sequence",
    "Invalid SOS parameters for sequential JPEG",
    "Unknown Adobe color transform code",
];

/// Pillow refuses images above twice its `MAX_IMAGE_PIXELS` (`DecompressionBombError`); so do we, before
/// allocating: a few hundred bytes of header can declare a 65500 x 65500 frame (libjpeg's maximum).
pub(crate) const MAX_PIXELS: usize = 2 * 89_478_485;

/// Decodes JPEG bytes to packed RGB following the module's policy.
pub(crate) fn decode_jpeg(bytes: &[u8]) -> Result<RgbImage, String> {
    let mut decompressor = Decompressor::new().map_err(|e| e.to_string())?;
    let header = decompressor.read_header(bytes).map_err(|e| e.to_string())?;
    let (width, height) = (header.width, header.height);
    if width == 0 || height == 0 {
        return Err(format!("JPEG has an empty frame ({width}x{height})"));
    }
    if width.saturating_mul(height) > MAX_PIXELS {
        return Err(format!(
            "JPEG frame {width}x{height} exceeds {MAX_PIXELS} pixels (decompression bomb limit, as Pillow)"
        ));
    }
    let four_components = matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK);
    let (format, channels) = if four_components {
        (PixelFormat::CMYK, 4)
    } else {
        (PixelFormat::RGB, 3)
    };
    let len = width
        .checked_mul(height)
        .and_then(|n| n.checked_mul(channels))
        .ok_or_else(|| format!("JPEG is too large ({width}x{height})"))?;
    let mut pixels = vec![0u8; len];
    let image = Image {
        pixels: &mut pixels[..],
        width,
        pitch: width * channels,
        height,
        format,
    };
    if let Err(e) = decompressor.decompress(bytes, image) {
        let message = e.to_string();
        let text = message.trim_start_matches("TurboJPEG error: ");
        if !RECOVERABLE_WARNINGS.iter().any(|w| text.starts_with(w)) {
            return Err(message);
        }
    }
    let pixels = if four_components {
        crate::cmyk::cmyk_to_rgb(&pixels)
    } else {
        pixels
    };
    Ok(RgbImage {
        width,
        height,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes a small JPEG with the image crate (so the test owns its bytes).
    fn jpeg(width: u32, height: u32, grey: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95);
        let img: image::DynamicImage = if grey {
            image::GrayImage::from_fn(width, height, |x, y| image::Luma([(x * 8 + y) as u8])).into()
        } else {
            image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x * 8) as u8, (y * 8) as u8, 128])
            })
            .into()
        };
        img.write_with_encoder(encoder).unwrap();
        out
    }

    #[test]
    fn decodes_colour_and_grey() {
        let rgb = decode_jpeg(&jpeg(24, 16, false)).unwrap();
        assert_eq!(
            (rgb.width, rgb.height, rgb.pixels.len()),
            (24, 16, 24 * 16 * 3)
        );
        // Top-left pixel is near (0, 0, 128) after lossy coding.
        assert!(
            rgb.pixels[0] < 16 && rgb.pixels[1] < 16,
            "{:?}",
            &rgb.pixels[..3]
        );
        assert!(
            (120..=136).contains(&rgb.pixels[2]),
            "{:?}",
            &rgb.pixels[..3]
        );
        let grey = decode_jpeg(&jpeg(16, 16, true)).unwrap();
        assert!(
            grey.pixels
                .chunks_exact(3)
                .all(|p| p[0] == p[1] && p[1] == p[2])
        );
    }

    #[test]
    fn truncated_and_garbage_are_errors_extra_bytes_are_not() {
        let good = jpeg(64, 64, false);
        let truncated = &good[..good.len() / 2];
        let err = decode_jpeg(truncated).unwrap_err();
        assert!(err.contains("Premature end"), "{err}");
        assert!(decode_jpeg(b"\xff\xd8\xff\xe0\0\x10JFIF").is_err());
        assert!(decode_jpeg(b"not a jpeg").is_err());
        // A header declaring a 20000 x 20000 frame is refused before any allocation.
        let mut bomb = good.clone();
        let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        bomb[sof + 5..sof + 9].copy_from_slice(&[0x4E, 0x20, 0x4E, 0x20]);
        let err = decode_jpeg(&bomb).unwrap_err();
        assert!(err.contains("decompression bomb"), "{err}");
        // Junk before the EOI marker: libjpeg warns and keeps the pixels, as Pillow does.
        let mut junk = good.clone();
        let eoi = junk.len() - 2;
        junk.splice(eoi..eoi, [1u8, 2, 3]);
        assert_eq!(decode_jpeg(&junk).unwrap(), decode_jpeg(&good).unwrap());
    }
}
