//! The image-decoding policy: how a file becomes the RGB pixels that PDQ hashes.
//!
//! The default policy ([`DecodeOptions::default`]) reproduces what the hash-sharing ecosystem computes, so that a
//! file hashed here matches the hash a partner computed with Meta's `pdqhash` Python package or the
//! ThreatExchange tools (Pillow `Image.open(path).convert("RGB")`, full resolution):
//!
//! | source mode | pixels hashed |
//! |---|---|
//! | JPEG | decoded by libjpeg-turbo as Pillow does (accurate integer IDCT, fancy upsampling; [`crate::jpeg`]) |
//! | RGB (PNG, WebP, ...) | as decoded |
//! | RGBA, LA, palette with alpha | alpha dropped (not composited), as Pillow's `convert("RGB")` |
//! | greyscale (L), 1-bit | grey replicated into R, G, B |
//! | palette (P) | palette colours |
//! | 16-bit greyscale (PNG `I;16`) | Pillow clips to 0..=255 ([`SixteenBit::ClipLikePillow`], default) or scales `v >> 8` ([`SixteenBit::Scale`]) |
//! | 16-bit RGB(A) | high byte (`v >> 8`), as Pillow |
//! | float | clamped `v * 255`, rounded |
//! | CMYK JPEG | Pillow's `cmyk2rgb`: `R = 255 - min(255, C + K - C*K/255)` on the de-inverted Adobe samples |
//! | EXIF orientation | ignored by default, as the reference tools ([`Orientation::Ignore`]); [`Orientation::Apply`] rotates first |
//!
//! [`DecodeOptions::resize_to`] `Some(512)` reproduces Meta's C++ `pdq-photo-hasher`: an image with either side
//! above 512 is first resized to exactly 512x512 by nearest-neighbour sampling (CImg's default `resize`).

use crate::error::PhashError;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use std::io::Cursor;
use std::path::Path;

/// What to do with the EXIF Orientation tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Hash the stored pixels (what `pdqhash`, ThreatExchange and HMA do). Use the dihedral hashes to match
    /// rotated copies.
    #[default]
    Ignore,
    /// Rotate/flip the pixels as the tag says before hashing (what a viewer shows).
    Apply,
}

/// How 16-bit greyscale samples become 8-bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SixteenBit {
    /// Clip to 255, as Pillow's `I;16` to `RGB` conversion (and so the ThreatExchange tools) do.
    #[default]
    ClipLikePillow,
    /// Keep the high byte (`v >> 8`), the perceptually right conversion.
    Scale,
}

/// The decoding policy. See the module documentation for the table of modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DecodeOptions {
    /// EXIF orientation handling.
    pub orientation: Orientation,
    /// 16-bit greyscale handling.
    pub sixteen_bit: SixteenBit,
    /// `Some(n)`: images with a side above `n` are first resized to `n x n` (nearest neighbour), as the C++ tool.
    pub resize_to: Option<u32>,
}

/// Decoded packed RGB pixels, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RgbImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `3 * width * height` bytes.
    pub pixels: Vec<u8>,
}

/// Reads and decodes an image file.
///
/// # Errors
/// [`PhashError::Io`] when the file cannot be read, [`PhashError::Decode`] (naming the file) when it is not an
/// image the policy can decode.
pub fn decode_file(path: &Path, options: &DecodeOptions) -> Result<RgbImage, PhashError> {
    let bytes = std::fs::read(path).map_err(|cause| PhashError::Io {
        path: path.to_path_buf(),
        cause,
    })?;
    decode_bytes(&bytes, options).map_err(|e| match e {
        PhashError::Decode { reason, .. } => PhashError::Decode {
            path: path.to_path_buf(),
            reason,
        },
        other => other,
    })
}

/// Decodes an image held in memory (the error names `<bytes>`).
///
/// # Errors
/// [`PhashError::Decode`] when the bytes are not a decodable image.
pub fn decode_bytes(bytes: &[u8], options: &DecodeOptions) -> Result<RgbImage, PhashError> {
    let fail = |reason: String| PhashError::Decode {
        path: "<bytes>".into(),
        reason,
    };
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| fail(e.to_string()))?;
    let format = reader
        .format()
        .ok_or_else(|| fail("unrecognised image format".into()))?;
    let mut image = if format == ImageFormat::Jpeg {
        Decoded::Rgb(crate::jpeg::decode_jpeg(bytes).map_err(fail)?)
    } else {
        let mut reader = reader;
        reader.no_limits();
        let mut decoder = reader.into_decoder().map_err(|e| fail(e.to_string()))?;
        let orientation = decoder.orientation().map_err(|e| fail(e.to_string()))?;
        let mut image = DynamicImage::from_decoder(decoder).map_err(|e| fail(e.to_string()))?;
        if options.orientation == Orientation::Apply {
            image.apply_orientation(orientation);
        }
        Decoded::Dynamic(image)
    };
    if let (Orientation::Apply, Decoded::Rgb(rgb)) = (options.orientation, &mut image) {
        // Only JPEGs decode straight to RGB; their EXIF is in APP1.
        if let Some(tag) = crate::cmyk::exif_orientation(bytes) {
            let mut dynamic = DynamicImage::ImageRgb8(
                image::RgbImage::from_raw(
                    rgb.width as u32,
                    rgb.height as u32,
                    std::mem::take(&mut rgb.pixels),
                )
                .ok_or_else(|| fail("inconsistent CMYK buffer".into()))?,
            );
            if let Some(o) = image::metadata::Orientation::from_exif(tag) {
                dynamic.apply_orientation(o);
            }
            *rgb = RgbImage {
                width: dynamic.width() as usize,
                height: dynamic.height() as usize,
                pixels: dynamic.into_rgb8().into_raw(),
            };
        }
    }
    let rgb = match image {
        Decoded::Rgb(rgb) => rgb,
        Decoded::Dynamic(image) => to_rgb(image, options.sixteen_bit),
    };
    Ok(match options.resize_to {
        Some(side) => resize_nearest_if_larger(rgb, side as usize),
        None => rgb,
    })
}

/// Result of the format-specific decoders.
pub(crate) enum Decoded {
    Rgb(RgbImage),
    Dynamic(DynamicImage),
}

/// Converts any decoded image to packed RGB following the policy table.
pub fn to_rgb(image: DynamicImage, sixteen_bit: SixteenBit) -> RgbImage {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let mut pixels = Vec::with_capacity(width * height * 3);
    match image {
        DynamicImage::ImageRgb8(img) => pixels = img.into_raw(),
        DynamicImage::ImageRgba8(img) => {
            for p in img.as_raw().chunks_exact(4) {
                pixels.extend_from_slice(&p[..3]);
            }
        }
        DynamicImage::ImageLuma8(img) => {
            for &v in img.as_raw() {
                pixels.extend_from_slice(&[v, v, v]);
            }
        }
        DynamicImage::ImageLumaA8(img) => {
            for p in img.as_raw().chunks_exact(2) {
                pixels.extend_from_slice(&[p[0], p[0], p[0]]);
            }
        }
        DynamicImage::ImageLuma16(img) => {
            for &v in img.as_raw() {
                let g = grey16(v, sixteen_bit);
                pixels.extend_from_slice(&[g, g, g]);
            }
        }
        DynamicImage::ImageLumaA16(img) => {
            // Pillow reads 16-bit LA PNGs as LA with the high byte.
            for p in img.as_raw().chunks_exact(2) {
                let g = (p[0] >> 8) as u8;
                pixels.extend_from_slice(&[g, g, g]);
            }
        }
        DynamicImage::ImageRgb16(img) => {
            pixels.extend(img.as_raw().iter().map(|&v| (v >> 8) as u8))
        }
        DynamicImage::ImageRgba16(img) => {
            for p in img.as_raw().chunks_exact(4) {
                pixels.extend(p[..3].iter().map(|&v| (v >> 8) as u8));
            }
        }
        DynamicImage::ImageRgb32F(img) => {
            pixels.extend(img.as_raw().iter().map(|&v| float_to_u8(v)))
        }
        DynamicImage::ImageRgba32F(img) => {
            for p in img.as_raw().chunks_exact(4) {
                pixels.extend(p[..3].iter().map(|&v| float_to_u8(v)));
            }
        }
        other => pixels = other.into_rgb8().into_raw(),
    }
    RgbImage {
        width,
        height,
        pixels,
    }
}

fn grey16(v: u16, policy: SixteenBit) -> u8 {
    match policy {
        SixteenBit::ClipLikePillow => v.min(255) as u8,
        SixteenBit::Scale => (v >> 8) as u8,
    }
}

fn float_to_u8(v: f32) -> u8 {
    (v * 255.0).round().clamp(0.0, 255.0) as u8
}

/// CImg's default (nearest-neighbour) resize to `side x side`, applied when either side is above `side`.
pub fn resize_nearest_if_larger(image: RgbImage, side: usize) -> RgbImage {
    if image.width <= side && image.height <= side {
        return image;
    }
    let src_index = |out: usize, src_len: usize| -> usize {
        (((out as f64) * src_len as f64 / side as f64) as usize).min(src_len - 1)
    };
    let cols: Vec<usize> = (0..side).map(|x| src_index(x, image.width)).collect();
    let mut pixels = Vec::with_capacity(side * side * 3);
    for y in 0..side {
        let sy = src_index(y, image.height);
        let row = &image.pixels[sy * image.width * 3..(sy + 1) * image.width * 3];
        for &sx in &cols {
            pixels.extend_from_slice(&row[sx * 3..sx * 3 + 3]);
        }
    }
    RgbImage {
        width: side,
        height: side,
        pixels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_policies() {
        for (v, clip, scale) in [
            (0u16, 0u8, 0u8),
            (200, 200, 0),
            (255, 255, 0),
            (256, 255, 1),
            (65535, 255, 255),
        ] {
            assert_eq!(grey16(v, SixteenBit::ClipLikePillow), clip);
            assert_eq!(grey16(v, SixteenBit::Scale), scale);
        }
    }

    #[test]
    fn nearest_resize_samples_like_cimg() {
        // 1024 wide -> every second column starting at 0.
        let width = 1024;
        let pixels: Vec<u8> = (0..width)
            .flat_map(|x| [(x % 256) as u8, (x / 256) as u8, 0])
            .collect();
        let small = resize_nearest_if_larger(
            RgbImage {
                width,
                height: 1,
                pixels,
            },
            512,
        );
        assert_eq!((small.width, small.height), (512, 512));
        assert_eq!(&small.pixels[..6], &[0, 0, 0, 2, 0, 0]);
        let unchanged = resize_nearest_if_larger(
            RgbImage {
                width: 10,
                height: 512,
                pixels: vec![1; 10 * 512 * 3],
            },
            512,
        );
        assert_eq!(unchanged.width, 10);
    }

    #[test]
    fn garbage_is_a_decode_error() {
        for bytes in [
            &b""[..],
            b"not an image",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            b"\xff\xd8\xff\xe0\0\x10JFIF",
        ] {
            assert!(matches!(
                decode_bytes(bytes, &DecodeOptions::default()),
                Err(PhashError::Decode { .. })
            ));
        }
    }
}
