//! Integration tests: PDQ against the reference hashes in ../shared/data/pdq, the decoding policy for every image
//! mode, vPDQ against the reference tool's output, the index against brute force, and banks.

use interdict_phash::{DecodeOptions, LumaRule, Orientation, PdqHash, PdqHasher, decode_file};
use interdict_testdata::shared_data;
use std::path::{Path, PathBuf};

fn pdq_dir() -> Option<PathBuf> {
    shared_data("pdq")
}

/// Rows of a reference CSV (comment lines start with '#'), as maps from column to value.
fn read_reference(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn hash_file(path: &Path, options: &DecodeOptions) -> interdict_phash::PdqDihedral {
    let img = decode_file(path, options).unwrap_or_else(|e| panic!("{e}"));
    let rule = if options.resize_to.is_some() {
        LumaRule::ReferenceCpp
    } else {
        LumaRule::PdqhashPython
    };
    PdqHasher::with_luma_rule(rule).hash_rgb_dihedral(&img.pixels, img.width, img.height)
}

/// JPEG files whose hashes may differ from the reference, with the most bits any of the 8 hashes may be off:
/// none since JPEG is decoded by libjpeg-turbo as Pillow does (zune-jpeg left 5 of 38 files 2-8 bits away).
const JPEG_DECODER_DIFFERS: &[(&str, u32)] = &[];

/// The committed synthetic images (every mode, odd sizes, the 64x64 shortcut, too small, flat) against `pdqhash`
/// on Pillow-decoded pixels: all 8 hashes and the quality must be identical.
#[test]
fn synthetic_fixtures_hash_exactly_like_pdqhash_python() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rows = read_reference(&root.join("tests/fixtures/expected_pdqhash.csv"));
    assert_eq!(rows.len(), 10);
    let names = [
        "pdq_hex",
        "rot90",
        "rot180",
        "rot270",
        "flipx",
        "flipy",
        "flipplus1",
        "flipminus1",
    ];
    for row in rows {
        let path = root.join("../../samples/images").join(&row["file"]);
        let got = hash_file(&path, &DecodeOptions::default());
        assert_eq!(got.quality.to_string(), row["quality"], "{}", row["file"]);
        for (k, name) in names.iter().enumerate() {
            assert_eq!(got.hashes[k].to_hex(), row[*name], "{} {name}", row["file"]);
        }
    }
}

#[test]
fn pdq_matches_pdqhash_python_on_every_shared_image_and_mode() {
    let Some(dir) = pdq_dir() else { return };
    let rows = read_reference(&dir.join("generated/pdqhash-0.2.8-pillow-13.0.0.csv"));
    assert!(rows.len() >= 50);
    let names = [
        "pdq_hex",
        "rot90",
        "rot180",
        "rot270",
        "flipx",
        "flipy",
        "flipplus1",
        "flipminus1",
    ];
    let mut exact = 0;
    for row in &rows {
        let rel = &row["relpath"];
        let got = hash_file(&dir.join(rel), &DecodeOptions::default());
        let allowed = JPEG_DECODER_DIFFERS
            .iter()
            .find(|(p, _)| p == rel)
            .map_or(0, |(_, bits)| *bits);
        let quality: i32 = row["quality"].parse().unwrap();
        assert!(
            (i32::from(got.quality) - quality).abs() <= 1,
            "{rel}: quality {} vs {quality}",
            got.quality
        );
        let mut worst = 0;
        for (k, name) in names.iter().enumerate() {
            let expected = PdqHash::from_hex(&row[*name]).unwrap();
            let d = got.hashes[k].distance(&expected);
            worst = worst.max(d);
            assert!(
                d <= allowed,
                "{rel} {name}: {d} bits from the reference ({} vs {expected})",
                got.hashes[k]
            );
        }
        if worst > 0 {
            eprintln!("{rel}: worst of 8 hashes {worst} bits (JPEG decoder)");
        }
        if allowed == 0 {
            exact += 1;
        }
    }
    eprintln!(
        "{exact} of {} images bit-exact on all 8 dihedral hashes",
        rows.len()
    );
}

#[test]
fn pdq_matches_threatexchange_tests_for_la_and_16_bit() {
    let Some(dir) = pdq_dir() else { return };
    for row in read_reference(&dir.join("expected/pytx-pdq-hasher.csv")) {
        let got = hash_file(&dir.join(&row["relpath"]), &DecodeOptions::default());
        assert_eq!(got.hashes[0].to_hex(), row["pdq_hex"], "{}", row["relpath"]);
        assert_eq!(
            got.quality.to_string(),
            row["quality"],
            "{}",
            row["relpath"]
        );
    }
}

#[test]
fn resize_512_reproduces_the_cpp_tool_within_decoder_noise() {
    let Some(dir) = pdq_dir() else { return };
    let options = DecodeOptions {
        resize_to: Some(512),
        ..DecodeOptions::default()
    };
    for row in read_reference(&dir.join("expected/cpp-reference-dih.csv")) {
        let got = hash_file(&dir.join(&row["relpath"]), &options);
        let d = got.hashes[0].distance(&PdqHash::from_hex(&row["pdq_hex"]).unwrap());
        // Measured 4-12 bits. Not a decoder setting: hashing the same files at full resolution is 2-8 bits away,
        // and so is every libjpeg IDCT (int, fast, float) with or without fancy upsampling (checked with djpeg).
        // The Java README prints the same values although the Java port does not pre-resize, so these README
        // values come from an older build and cannot pin the rule; the resize itself follows CImg's default
        // nearest-neighbour indexing (source x = floor(x * width / 512)).
        eprintln!("{}: {d} bits from the C++ tool", row["relpath"]);
        assert!(d <= 12, "{}: {d} bits", row["relpath"]);
        assert_eq!(got.quality, 100);
    }
}

#[test]
fn dihedral_images_match_the_dihedral_hashes_of_the_original() {
    let Some(dir) = pdq_dir() else { return };
    let original = hash_file(
        &dir.join("reg-test-input/dih/bridge-1-original.jpg"),
        &DecodeOptions::default(),
    );
    let files = [
        "1-original",
        "2-rotate-90",
        "3-rotate-180",
        "4-rotate-270",
        "5-flipx",
        "6-flipy",
        "7-flip-plus-1",
        "8-flip-minus-1",
    ];
    for (k, f) in files.iter().enumerate() {
        let got = hash_file(
            &dir.join(format!("reg-test-input/dih/bridge-{f}.jpg")),
            &DecodeOptions::default(),
        );
        let d = got.hashes[0].distance(&original.hashes[k]);
        assert!(d <= 12, "{f}: {d} bits from dihedral {k} of the original");
    }
}

#[test]
fn exif_orientation_policy() {
    let Some(dir) = pdq_dir() else { return };
    let path = dir.join("reg-test-input/exif-rotn/exif-rotn-6.jpg");
    let stored = hash_file(&path, &DecodeOptions::default());
    let applied = hash_file(
        &path,
        &DecodeOptions {
            orientation: Orientation::Apply,
            ..DecodeOptions::default()
        },
    );
    let img = decode_file(
        &path,
        &DecodeOptions {
            orientation: Orientation::Apply,
            ..DecodeOptions::default()
        },
    )
    .unwrap();
    assert_eq!(
        (img.width, img.height),
        (3024, 4032),
        "orientation 6 turns the 4032x3024 photo upright"
    );
    // Applying orientation 6 (rotate 90 clockwise) is one of the dihedral variants of the stored pixels.
    let best = stored
        .hashes
        .iter()
        .map(|h| h.distance(&applied.hashes[0]))
        .min()
        .unwrap();
    assert!(best <= 8, "{best}");
    assert!(stored.hashes[0].distance(&applied.hashes[0]) > 64);
    // Orientation 1 changes nothing.
    let one = dir.join("reg-test-input/exif-rotn/exif-rotn-1.jpg");
    let a = hash_file(&one, &DecodeOptions::default());
    let b = hash_file(
        &one,
        &DecodeOptions {
            orientation: Orientation::Apply,
            ..DecodeOptions::default()
        },
    );
    assert_eq!(a, b);
}

#[test]
fn bad_files_give_an_error_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("phash-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("not-an-image.jpg");
    std::fs::write(&bad, b"\xff\xd8\xff\xe0 truncated").unwrap();
    let err = decode_file(&bad, &DecodeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("not-an-image.jpg"), "{err}");
    let missing = decode_file(&dir.join("missing.png"), &DecodeOptions::default())
        .unwrap_err()
        .to_string();
    assert!(missing.contains("missing.png"), "{missing}");
}

fn ffmpeg_available() -> bool {
    let ok = std::process::Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIPPED: ffmpeg not installed");
    }
    ok
}

/// Checks our vPDQ output against the reference tool's: every frame within `max_bits`, and at least `share_within_2`
/// of the frames within 2 bits.
fn check_video(
    video: &str,
    expected: &str,
    downsample: Option<(u32, u32)>,
    converter: interdict_phash::FrameConverter,
    max_bits: u32,
) {
    let Some(dir) = pdq_dir() else { return };
    if !ffmpeg_available() {
        return;
    }
    if converter == interdict_phash::FrameConverter::Native && !cfg!(target_arch = "x86_64") {
        eprintln!(
            "SKIPPED: {video}: the native swscale converter rounds like the reference only on x86-64"
        );
        return;
    }
    let options = interdict_phash::VpdqOptions {
        downsample,
        converter,
        ..Default::default()
    };
    let got = interdict_phash::hash_video(&dir.join("video").join(video), &options).unwrap();
    let path = dir.join("video/vpdq-expected").join(expected);
    let want =
        interdict_phash::parse_vpdq(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
    assert_eq!(got.len(), want.len(), "{video}: frame count");
    let mut worst = 0;
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g.frame_number, w.frame_number);
        assert!(
            (g.timestamp - w.timestamp).abs() < 0.0011,
            "{video} frame {}: timestamp",
            g.frame_number
        );
        assert!(
            (i32::from(g.quality) - i32::from(w.quality)).abs() <= 1,
            "{video} frame {}: quality",
            g.frame_number
        );
        let d = g.hash.distance(&w.hash);
        worst = worst.max(d);
        assert!(d <= max_bits, "{video} frame {}: {d} bits", g.frame_number);
    }
    eprintln!(
        "{video} ({converter:?}): {} frames, worst frame {worst} bits",
        got.len()
    );
    let m = interdict_phash::match_videos(&got, &want, 31, 50);
    assert_eq!(
        (m.query_match_percent, m.target_match_percent),
        (100.0, 100.0)
    );
}

#[test]
fn vpdq_matches_reference_padded_dimensions() {
    // Measured: 0 bits on all 150 frames (the portable converter: 7 frames at 4 bits).
    check_video(
        "test-padded-dimensions.mp4",
        "test-padded-dimensions.txt",
        None,
        interdict_phash::FrameConverter::Native,
        2,
    );
}

#[test]
fn vpdq_matches_reference_doorknob() {
    // Measured: 0 bits on all 120 frames (the native converter: up to 76 bits on its quality-0 frames).
    check_video(
        "doorknob-hd-no-bar.mp4",
        "doorknob-hd-no-bar.txt",
        None,
        interdict_phash::FrameConverter::Portable,
        2,
    );
}

#[test]
fn vpdq_matches_reference_doorknob_128() {
    // Measured: 0 bits with the native converter, at most 2 with the portable one.
    for converter in [
        interdict_phash::FrameConverter::Native,
        interdict_phash::FrameConverter::Portable,
    ] {
        check_video(
            "doorknob-hd-no-bar.mp4",
            "doorknob-hd-no-bar-128x128.txt",
            Some((128, 128)),
            converter,
            2,
        );
    }
}

mod index_properties {
    use interdict_phash::{HashIndex, PdqHash, SearchPath};
    use proptest::prelude::*;

    fn flip(mut h: PdqHash, bits: &[u8]) -> PdqHash {
        for &b in bits {
            h.limbs[usize::from(b) / 64] ^= 1u64 << (b % 64);
        }
        h
    }

    fn hash_strategy() -> impl Strategy<Value = PdqHash> {
        any::<[u64; 4]>().prop_map(PdqHash::from_limbs)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Multi-index search returns exactly what a linear scan returns (ids, distances, order), including
        /// entries added after the tables were built and after removals.
        #[test]
        fn index_equals_brute_force(
            bases in proptest::collection::vec(hash_strategy(), 1..40),
            noise in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..48), 1..40),
            extra in proptest::collection::vec(hash_strategy(), 0..20),
            query_pick in any::<proptest::sample::Index>(),
            query_noise in proptest::collection::vec(any::<u8>(), 0..40),
            radius in 0u32..64,
            remove_pick in any::<proptest::sample::Index>(),
        ) {
            // Near-duplicates of the bases so that there are matches at every distance.
            let mut entries = Vec::new();
            for (i, bits) in noise.iter().enumerate() {
                entries.push((format!("n{i}"), flip(bases[i % bases.len()], bits)));
            }
            let mut index = HashIndex::from_entries(entries.clone()).with_brute_force_below(0);
            for (i, h) in extra.iter().enumerate() {
                index.add(&format!("x{i}"), *h);
            }
            let removed = format!("n{}", remove_pick.index(noise.len()));
            index.remove(&removed);
            let query = flip(bases[query_pick.index(bases.len())], &query_noise);
            let mih = index.search_with(&query, radius, SearchPath::MultiIndex).unwrap();
            let brute = index.search_brute_force(&query, radius);
            prop_assert_eq!(&mih, &brute);
            prop_assert!(mih.iter().all(|m| m.id != removed));
            prop_assert!(mih.windows(2).all(|w| w[0].distance <= w[1].distance));
        }
    }

    #[test]
    fn index_equals_brute_force_on_a_large_random_set() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut entries: Vec<(String, PdqHash)> = (0..20_000)
            .map(|i| (format!("r{i}"), PdqHash::from_limbs(rng.r#gen())))
            .collect();
        // Plant neighbours at every distance 0..=40 of the first 50 hashes.
        for i in 0..50 {
            let d = i % 41;
            let bits: Vec<u8> = (0..d as u8)
                .map(|k| k.wrapping_mul(37).wrapping_add(i as u8))
                .collect();
            let mut uniq = bits.clone();
            uniq.sort_unstable();
            uniq.dedup();
            entries.push((format!("p{i}"), flip(entries[i].1, &uniq)));
        }
        let index = HashIndex::from_entries(entries.clone());
        assert_eq!(index.search_path(31), SearchPath::MultiIndex);
        let mut total = 0;
        for (_, q) in entries.iter().take(200) {
            for radius in [0, 8, 16, 31, 40] {
                let mih = index.search(q, radius).unwrap();
                assert_eq!(mih, index.search_brute_force(q, radius));
                total += mih.len();
            }
        }
        assert!(total > 1000, "{total}");
        // Save and load give the same answers.
        let path = std::env::temp_dir().join(format!("phash-index-{}.idx", std::process::id()));
        index.save(&path).unwrap();
        let loaded = HashIndex::load(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(loaded.len(), index.len());
        for (_, q) in entries.iter().take(50) {
            assert_eq!(loaded.search(q, 31).unwrap(), index.search(q, 31).unwrap());
        }
    }

    #[test]
    fn index_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<HashIndex>();
        check::<interdict_phash::HashBanks>();
    }
}

#[test]
fn batch_search_equals_single_queries() {
    use interdict_phash::HashIndex;
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let hashes: Vec<PdqHash> = (0..30_000)
        .map(|_| PdqHash::from_limbs(rng.r#gen()))
        .collect();
    let mut index = HashIndex::from_entries(
        hashes
            .iter()
            .enumerate()
            .map(|(i, h)| (format!("h{i}"), *h)),
    );
    index.remove("h3");
    index.add("late", hashes[5]);
    let queries: Vec<PdqHash> = (0..300)
        .map(|i| {
            let mut q = hashes[i % 50];
            for b in 0..(i % 40) {
                q.limbs[(b * 7) % 4] ^= 1 << ((b * 13) % 64);
            }
            q
        })
        .collect();
    for radius in [0, 15, 31, 47] {
        let batch = index.search_many(&queries, radius).unwrap();
        for (q, got) in queries.iter().zip(&batch) {
            assert_eq!(got, &index.search_brute_force(q, radius));
        }
    }
}
