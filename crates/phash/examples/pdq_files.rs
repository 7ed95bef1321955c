//! Prints `file,pdq,quality` for every file named on the command line (default decoding policy).
//! `cargo run --release -p interdict-phash --example pdq_files -- a.jpg b.png`

fn main() {
    let mut hasher = interdict_phash::PdqHasher::new();
    for arg in std::env::args().skip(1) {
        match interdict_phash::decode_file(arg.as_ref(), &interdict_phash::DecodeOptions::default())
        {
            Ok(img) => {
                let pdq = hasher.hash_rgb(&img.pixels, img.width, img.height);
                println!("{arg},{},{}", pdq.hash, pdq.quality);
            }
            Err(e) => eprintln!("{e}"),
        }
    }
}
