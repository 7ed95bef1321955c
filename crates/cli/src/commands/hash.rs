//! `interdict hash FILE...`: PDQ hashes of images (and vPDQ of videos with `--video`), one JSON line per file in
//! argument order: `{"file":"...","pdq":"<64 hex>","quality":N}`, `--dihedral` adds the 8 dihedral hashes,
//! `--exact` adds MD5 and SHA-256. A file that cannot be decoded is reported on standard error (naming it) and
//! the others are still hashed; the exit code is then 2.

use anyhow::Context;
use interdict_phash::{
    DecodeOptions, FrameConverter, LumaRule, Orientation, PdqHasher, SixteenBit, VpdqFeature,
    VpdqOptions, decode_file, exact_hashes_of_file, hash_video, match_videos, parse_vpdq,
};
use rayon::prelude::*;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Image (or, with --video, video) files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Add "dihedral": the 8 hashes (original, rot90, rot180, rot270, flipX, flipY, flipPlus1, flipMinus1).
    #[arg(long)]
    dihedral: bool,
    /// First shrink images larger than N (either side) to NxN, as Meta's C++ pdq-photo-hasher (N = 512).
    #[arg(long, value_name = "N")]
    resize: Option<u32>,
    /// Treat the files as videos: vPDQ (one PDQ hash per frame) through the ffmpeg command-line tool.
    #[arg(long)]
    video: bool,
    /// Add "md5" and "sha256" of the file bytes.
    #[arg(long)]
    exact: bool,
    /// Rotate images as their EXIF Orientation says before hashing (default: hash stored pixels, as the
    /// reference tools do).
    #[arg(long)]
    apply_exif_orientation: bool,
    /// 16-bit greyscale: `clip` (Pillow, default) or `scale` (high byte).
    #[arg(long, value_name = "clip|scale", default_value = "clip")]
    sixteen_bit: String,
    /// Video: hash one frame every this many seconds (0 = every frame).
    #[arg(long, default_value_t = 0.0)]
    seconds_per_hash: f64,
    /// Video: scale frames to WxH before hashing (the vpdq tool's downsample).
    #[arg(long, value_name = "WxH")]
    downsample: Option<String>,
    /// Video output: `json` (one line per video) or `vpdq` (the reference tool's lines, frame,quality,hash,time).
    #[arg(long, default_value = "json")]
    format: String,
    /// The ffmpeg executable for --video.
    #[arg(long, default_value = "ffmpeg")]
    ffmpeg: PathBuf,
    /// Video: RGB conversion `native` (FFmpeg's SIMD converters, as today's vpdq tool on x86-64) or `portable`
    /// (swscale's C converters, `-cpuflags 0`, as vpdq builds without a SIMD RGB24 converter). They round
    /// differently; see the phash `video` module docs.
    #[arg(long, value_name = "native|portable", default_value = "native")]
    frame_converter: String,
    /// Video: also match each video against this one (a video, or a vpdq .txt file) and add "match" with the
    /// share of query frames found in the target and of target frames found in the query (the vpdq tool's
    /// brute-force match).
    #[arg(long, value_name = "VIDEO|FILE.txt")]
    match_against: Option<PathBuf>,
    /// Video matching: frames match when their distance is below this.
    #[arg(long, default_value_t = 31)]
    match_distance: u32,
    /// Video matching: frames with lower quality are ignored.
    #[arg(long, default_value_t = 50)]
    match_quality: u8,
}

/// What a video is matched against.
struct VideoTarget {
    path: PathBuf,
    distance: u32,
    quality: u8,
}

struct ImageConfig {
    decode: DecodeOptions,
    luma: LumaRule,
    dihedral: bool,
}

enum Mode {
    Image(ImageConfig),
    Video {
        options: VpdqOptions,
        vpdq_lines: bool,
        target: Option<VideoTarget>,
    },
}

struct HashConfig {
    files: Vec<PathBuf>,
    exact: bool,
    mode: Mode,
}

fn config(args: Args) -> anyhow::Result<HashConfig> {
    let sixteen_bit = match args.sixteen_bit.as_str() {
        "clip" => SixteenBit::ClipLikePillow,
        "scale" => SixteenBit::Scale,
        other => anyhow::bail!("--sixteen-bit must be clip or scale, got {other:?}"),
    };
    if let Some(n) = args.resize {
        anyhow::ensure!(n >= 64, "--resize must be at least 64, got {n}");
    }
    let mode = if args.video {
        let downsample = match args.downsample.as_deref() {
            None => None,
            Some(text) => {
                let (w, h) = text
                    .split_once(['x', 'X'])
                    .context("--downsample must be WxH")?;
                let (w, h): (u32, u32) = (
                    w.parse().context("--downsample width")?,
                    h.parse().context("--downsample height")?,
                );
                anyhow::ensure!(w >= 5 && h >= 5, "--downsample must be at least 5x5");
                Some((w, h))
            }
        };
        anyhow::ensure!(
            args.seconds_per_hash >= 0.0,
            "--seconds-per-hash must not be negative"
        );
        let vpdq_lines = match args.format.as_str() {
            "json" => false,
            "vpdq" => true,
            other => anyhow::bail!("--format must be json or vpdq, got {other:?}"),
        };
        Mode::Video {
            options: VpdqOptions {
                seconds_per_hash: args.seconds_per_hash,
                downsample,
                ffmpeg: args.ffmpeg,
                converter: match args.frame_converter.as_str() {
                    "native" => FrameConverter::Native,
                    "portable" => FrameConverter::Portable,
                    other => {
                        anyhow::bail!("--frame-converter must be native or portable, got {other:?}")
                    }
                },
            },
            vpdq_lines,
            target: args.match_against.map(|path| VideoTarget {
                path,
                distance: args.match_distance,
                quality: args.match_quality,
            }),
        }
    } else {
        let orientation = if args.apply_exif_orientation {
            Orientation::Apply
        } else {
            Orientation::Ignore
        };
        Mode::Image(ImageConfig {
            decode: DecodeOptions {
                orientation,
                sixteen_bit,
                resize_to: args.resize,
            },
            // The C++ tool (whose pre-resize --resize reproduces) computes luma in f32; pdqhash in f64.
            luma: if args.resize.is_some() {
                LumaRule::ReferenceCpp
            } else {
                LumaRule::PdqhashPython
            },
            dihedral: args.dihedral,
        })
    };
    Ok(HashConfig {
        files: args.files,
        exact: args.exact,
        mode,
    })
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = config(args)?;
    match &config.mode {
        Mode::Image(image) => hash_images(&config, image),
        Mode::Video {
            options,
            vpdq_lines,
            target,
        } => hash_videos(&config, options, *vpdq_lines, target.as_ref()),
    }
}

/// One output line for an image, fields in the contract's order.
#[derive(Serialize)]
struct ImageRecord {
    file: String,
    pdq: String,
    quality: u8,
    #[serde(skip_serializing_if = "Option::is_none")]
    dihedral: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    md5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

#[derive(Serialize)]
struct FrameRecord {
    frame: u64,
    quality: u8,
    pdq: String,
    timestamp: f64,
}

/// One output line for a video.
#[derive(Serialize)]
struct VideoRecord {
    file: String,
    vpdq: Vec<FrameRecord>,
    #[serde(rename = "match", skip_serializing_if = "Option::is_none")]
    matched: Option<VideoMatchRecord>,
    #[serde(skip_serializing_if = "Option::is_none")]
    md5: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

#[derive(Serialize)]
struct VideoMatchRecord {
    target: String,
    query_match_percent: f64,
    target_match_percent: f64,
}

type ExactPair = (Option<String>, Option<String>);

fn exact_of(config: &HashConfig, file: &Path) -> anyhow::Result<ExactPair> {
    if config.exact {
        let exact = exact_hashes_of_file(file)?;
        Ok((Some(exact.md5), Some(exact.sha256)))
    } else {
        Ok((None, None))
    }
}

fn hash_images(config: &HashConfig, image: &ImageConfig) -> anyhow::Result<ExitCode> {
    let results: Vec<anyhow::Result<ImageRecord>> = config
        .files
        .par_iter()
        .map_init(
            || PdqHasher::with_luma_rule(image.luma),
            |hasher, file| {
                let img = decode_file(file, &image.decode)?;
                let (pdq, quality, dihedral) = if image.dihedral {
                    let d = hasher.hash_rgb_dihedral(&img.pixels, img.width, img.height);
                    let all: Vec<String> = d.hashes.iter().map(|h| h.to_hex()).collect();
                    (all[0].clone(), d.quality, Some(all))
                } else {
                    let p = hasher.hash_rgb(&img.pixels, img.width, img.height);
                    (p.hash.to_hex(), p.quality, None)
                };
                let (md5, sha256) = exact_of(config, file)?;
                Ok(ImageRecord {
                    file: file.display().to_string(),
                    pdq,
                    quality,
                    dihedral,
                    md5,
                    sha256,
                })
            },
        )
        .collect();
    emit(results, |record, out| {
        writeln!(out, "{}", json_line(record))
    })
}

fn json_line<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

fn hash_videos(
    config: &HashConfig,
    options: &VpdqOptions,
    vpdq_lines: bool,
    target: Option<&VideoTarget>,
) -> anyhow::Result<ExitCode> {
    let target_features = match target {
        None => None,
        Some(t) if t.path.extension().is_some_and(|e| e == "txt") => {
            let text = std::fs::read_to_string(&t.path)
                .with_context(|| format!("{}: cannot read", t.path.display()))?;
            Some(parse_vpdq(&text, &t.path)?)
        }
        Some(t) => Some(hash_video(&t.path, options)?),
    };
    let results: Vec<anyhow::Result<(VideoRecord, Vec<VpdqFeature>)>> = config
        .files
        .iter()
        .map(|file| {
            let features = hash_video(file, options)?;
            let vpdq = features
                .iter()
                .map(|f| FrameRecord {
                    frame: f.frame_number,
                    quality: f.quality,
                    pdq: f.hash.to_hex(),
                    timestamp: (f.timestamp * 1000.0).round() / 1000.0,
                })
                .collect();
            let (md5, sha256) = exact_of(config, file)?;
            let matched = target.zip(target_features.as_ref()).map(|(t, tf)| {
                let m = match_videos(&features, tf, t.distance, t.quality);
                VideoMatchRecord {
                    target: t.path.display().to_string(),
                    query_match_percent: (m.query_match_percent * 100.0).round() / 100.0,
                    target_match_percent: (m.target_match_percent * 100.0).round() / 100.0,
                }
            });
            Ok((
                VideoRecord {
                    file: file.display().to_string(),
                    vpdq,
                    matched,
                    md5,
                    sha256,
                },
                features,
            ))
        })
        .collect();
    emit(results, |(record, features), out| {
        if vpdq_lines {
            for f in features {
                writeln!(out, "{f}")?;
            }
            Ok(())
        } else {
            writeln!(out, "{}", json_line(record))
        }
    })
}

/// Prints successes in order, errors to standard error; exit 2 if any input failed.
fn emit<T>(
    results: Vec<anyhow::Result<T>>,
    mut print: impl FnMut(&T, &mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut failed = 0;
    for result in results {
        match result {
            Ok(value) => print(&value, &mut out).context("writing output")?,
            Err(e) => {
                failed += 1;
                eprintln!("interdict: error: {e:#}");
            }
        }
    }
    out.flush().context("writing output")?;
    Ok(if failed > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
