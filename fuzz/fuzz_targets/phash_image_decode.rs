//! Image decoding (every format and mode the policy handles, including CMYK JPEG and EXIF) never panics, and a
//! decoded image always hashes.
#![no_main]
use interdict_phash::{DecodeOptions, Orientation, PdqHasher, decode_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for orientation in [Orientation::Ignore, Orientation::Apply] {
        let options = DecodeOptions { orientation, ..DecodeOptions::default() };
        if let Ok(img) = decode_bytes(data, &options) {
            // Keep memory bounded: the decoder accepts large images, hashing them is the same code.
            if img.width * img.height <= 1 << 20 {
                let pdq = PdqHasher::new().hash_rgb(&img.pixels, img.width, img.height);
                assert!(pdq.quality <= 100);
            }
        }
    }
});
