//! vPDQ: a PDQ hash per sampled video frame, read through the `ffmpeg` command-line tool, in the text format of
//! Meta's `vpdq` tool (`frame_number,quality,pdq_hex,timestamp_seconds` with 3 decimals), and video-to-video
//! matching as the reference `matchTwoHashBrute` (share of query frames found in the target and the reverse).
//!
//! Frames are decoded by `ffmpeg` to RGB24 at the video's size (or a downsample size), every frame with
//! `fps_mode passthrough` so frame numbers are the decoder's. The frame rate is the stream's average frame rate
//! (falling back to `r_frame_rate`), as the reference.
//!
//! Pixel conversion: the reference links libswscale directly (since 2023; its 2022 version piped the `ffmpeg`
//! command-line tool with `-s WxH -pix_fmt rgb24`). Same-size YUV 4:2:0 to RGB24 takes swscale's unscaled
//! converter, whose x86 SSSE3 version and portable C version round differently (pixels differ by up to 2 levels).
//! The two published samples were made on different builds, and each is reproduced exactly by one of them
//! (measured with Debian's ffmpeg 5.1 on x86-64):
//!
//! | sample (year made)                  | [`FrameConverter::Native`] (SSSE3) | [`FrameConverter::Portable`] (C) |
//! |-------------------------------------|------------------------------------|----------------------------------|
//! | `test-padded-dimensions` (2026)     | 0 bits on all 150 frames           | 7 frames at 4 bits               |
//! | `doorknob-hd-no-bar` (2022)         | 3 quality-100 frames at 4 bits, up to 76 on quality-0 frames | 0 bits on all 120 |
//! | `doorknob-hd-no-bar-128x128` (2022) | 0 bits                             | 1 frame at 2 bits                |
//!
//! No single conversion (nor a correctly rounded BT.601 one, tried) reproduces both full-size samples within 2
//! bits, so the converter is an option; the default, [`FrameConverter::Native`], is what today's reference gets
//! from a stock FFmpeg on x86-64 (`-cpuflags 0` selects the portable one). Scaling (`downsample`) uses the
//! `lanczos` flag, exact on the 128x128 sample (`area`, today's reference flag, is up to 28 bits away from it).
//! Decoding itself is bit-exact in every ffmpeg build.

use crate::error::PhashError;
use crate::hash256::PdqHash;
use crate::pdq::{LumaRule, PdqHasher};
use rayon::prelude::*;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One hashed frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VpdqFeature {
    /// 0-based decoder frame number.
    pub frame_number: u64,
    /// PDQ quality of the frame, 0..=100.
    pub quality: u8,
    /// PDQ hash of the frame.
    pub hash: PdqHash,
    /// `frame_number / frame_rate`, in seconds.
    pub timestamp: f64,
}

impl fmt::Display for VpdqFeature {
    /// The reference line: `frame_number,quality,hash,timestamp` (timestamp with 3 decimals).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{},{},{},{:.3}",
            self.frame_number, self.quality, self.hash, self.timestamp
        )
    }
}

/// Options for hashing a video.
#[derive(Debug, Clone, PartialEq)]
pub struct VpdqOptions {
    /// Hash one frame every this many seconds (0 = every frame), as the reference's `secondsPerHash`.
    pub seconds_per_hash: f64,
    /// Scale frames to this size first (the reference's `-d WxH`); `None` keeps the video's size.
    pub downsample: Option<(u32, u32)>,
    /// The ffmpeg executable (default `ffmpeg`; `ffprobe` is looked up beside it).
    pub ffmpeg: PathBuf,
    /// Which swscale converters make the RGB24 frames (see the module docs).
    pub converter: FrameConverter,
}

/// Which libswscale converters turn decoded frames into RGB24: the two round differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FrameConverter {
    /// FFmpeg's default: the CPU's SIMD converters (x86 SSSE3), as the reference `vpdq` tool gets them from a
    /// stock FFmpeg today; reproduces the 2026 sample `test-padded-dimensions` exactly.
    #[default]
    Native,
    /// `-cpuflags 0`: swscale's portable C converters, as on builds without a SIMD RGB24 converter; reproduces
    /// the 2022 sample `doorknob-hd-no-bar` exactly.
    Portable,
}

impl Default for VpdqOptions {
    fn default() -> Self {
        VpdqOptions {
            seconds_per_hash: 0.0,
            downsample: None,
            ffmpeg: PathBuf::from("ffmpeg"),
            converter: FrameConverter::Native,
        }
    }
}

/// Stream facts read with `ffprobe`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoInfo {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second.
    pub frame_rate: f64,
}

fn video_error(path: &Path, reason: impl Into<String>) -> PhashError {
    PhashError::Video {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn run_tool(
    tool: &Path,
    path: &Path,
    args: &[&std::ffi::OsStr],
) -> Result<std::process::Child, PhashError> {
    Command::new(tool).args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().map_err(
        |e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                video_error(
                    path,
                    format!(
                        "`{}` was not found: install FFmpeg (Debian: apt-get install ffmpeg) or pass its path",
                        tool.display()
                    ),
                )
            } else {
                video_error(path, format!("cannot run `{}`: {e}", tool.display()))
            }
        },
    )
}

fn ffprobe_for(ffmpeg: &Path) -> PathBuf {
    match ffmpeg.file_name().and_then(|n| n.to_str()) {
        Some(name) if name.contains("ffmpeg") => {
            ffmpeg.with_file_name(name.replacen("ffmpeg", "ffprobe", 1))
        }
        _ => PathBuf::from("ffprobe"),
    }
}

fn parse_rate(text: &str) -> Option<f64> {
    let (num, den) = text.split_once('/').unwrap_or((text, "1"));
    let (num, den): (f64, f64) = (num.trim().parse().ok()?, den.trim().parse().ok()?);
    (num != 0.0 && den != 0.0).then(|| num / den)
}

/// Reads the first video stream's size and frame rate.
///
/// # Errors
/// [`PhashError::Video`] when `ffprobe` is missing, fails, or finds no video stream.
pub fn probe(path: &Path, options: &VpdqOptions) -> Result<VideoInfo, PhashError> {
    let ffprobe = ffprobe_for(&options.ffmpeg);
    let args: Vec<&std::ffi::OsStr> = [
        "-v",
        "error",
        "-select_streams",
        "v:0",
        "-show_entries",
        "stream=width,height,avg_frame_rate,r_frame_rate",
        "-of",
        "default=noprint_wrappers=1",
    ]
    .iter()
    .map(|s| s.as_ref())
    .chain(std::iter::once(path.as_os_str()))
    .collect();
    let out = run_tool(&ffprobe, path, &args)?
        .wait_with_output()
        .map_err(|e| video_error(path, e.to_string()))?;
    if !out.status.success() {
        return Err(video_error(
            path,
            format!(
                "ffprobe failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::trim)
    };
    let width = field("width")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| video_error(path, "no video stream"))?;
    let height = field("height")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| video_error(path, "no video height"))?;
    let frame_rate = field("avg_frame_rate")
        .and_then(parse_rate)
        .or_else(|| field("r_frame_rate").and_then(parse_rate))
        .ok_or_else(|| video_error(path, "video frame rate is zero or missing"))?;
    Ok(VideoInfo {
        width,
        height,
        frame_rate,
    })
}

/// Hashes a video file.
///
/// # Errors
/// [`PhashError::Video`] when ffmpeg is missing or fails (its message is included), or the video has no frames.
pub fn hash_video(path: &Path, options: &VpdqOptions) -> Result<Vec<VpdqFeature>, PhashError> {
    let info = probe(path, options)?;
    let (width, height) = options.downsample.unwrap_or((info.width, info.height));
    let scale = format!("scale={width}:{height}:flags=lanczos");
    let tail = [
        "-map",
        "0:v:0",
        "-fps_mode",
        "passthrough",
        "-vf",
        &scale,
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ];
    let head: &[&str] = match options.converter {
        FrameConverter::Native => &["-nostdin", "-v", "error", "-i"],
        FrameConverter::Portable => &["-nostdin", "-v", "error", "-cpuflags", "0", "-i"],
    };
    let args: Vec<&std::ffi::OsStr> = head
        .iter()
        .map(|s| s.as_ref())
        .chain(std::iter::once(path.as_os_str()))
        .chain(tail.iter().map(|s| s.as_ref()))
        .collect();
    let mut child = run_tool(&options.ffmpeg, path, &args)?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| video_error(path, "no ffmpeg output pipe"))?;
    let frame_bytes = width as usize * height as usize * 3;
    let frame_mod = ((options.seconds_per_hash * info.frame_rate) as u64).max(1);

    let mut features = Vec::new();
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::new();
    let mut frame_number = 0u64;
    let flush = |batch: &mut Vec<(u64, Vec<u8>)>, features: &mut Vec<VpdqFeature>| {
        let hashed: Vec<VpdqFeature> = batch
            .par_iter()
            .map_init(
                || PdqHasher::with_luma_rule(LumaRule::ReferenceCpp),
                |hasher, (n, rgb)| {
                    let pdq = hasher.hash_rgb(rgb, width as usize, height as usize);
                    VpdqFeature {
                        frame_number: *n,
                        quality: pdq.quality,
                        hash: pdq.hash,
                        timestamp: f64::from(*n as f32 / info.frame_rate as f32),
                    }
                },
            )
            .collect();
        features.extend(hashed);
        batch.clear();
    };
    loop {
        let mut frame = vec![0u8; frame_bytes];
        match read_full(&mut stdout, &mut frame) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(video_error(
                    path,
                    format!("reading frames from ffmpeg: {e}"),
                ));
            }
        }
        if frame_number.is_multiple_of(frame_mod) {
            batch.push((frame_number, frame));
            if batch.len() >= 32 {
                flush(&mut batch, &mut features);
            }
        }
        frame_number += 1;
    }
    flush(&mut batch, &mut features);
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let status = child.wait().map_err(|e| video_error(path, e.to_string()))?;
    if !status.success() {
        return Err(video_error(
            path,
            format!("ffmpeg failed: {}", stderr.trim()),
        ));
    }
    if features.is_empty() {
        return Err(video_error(path, "no frames decoded"));
    }
    Ok(features)
}

/// Fills `buf` completely; `Ok(false)` at a clean end of stream (a partial last frame is dropped).
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => return Ok(false),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Parses the reference text format (one `frame,quality,hash,timestamp` per line; blank lines skipped).
///
/// # Errors
/// [`PhashError::Record`] naming `source`, the line and the field.
pub fn parse_vpdq(text: &str, source: &Path) -> Result<Vec<VpdqFeature>, PhashError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let bad = |field: &str, reason: String| PhashError::Record {
            path: source.to_path_buf(),
            line: i as u64 + 1,
            field: field.into(),
            reason,
        };
        let parts: Vec<&str> = line.split(',').collect();
        if parts.len() != 4 {
            return Err(bad(
                "line",
                format!("expected 4 comma-separated fields, found {}", parts.len()),
            ));
        }
        out.push(VpdqFeature {
            frame_number: parts[0]
                .trim()
                .parse()
                .map_err(|e| bad("frame_number", format!("{e}")))?,
            quality: parts[1]
                .trim()
                .parse()
                .map_err(|e| bad("quality", format!("{e}")))?,
            hash: PdqHash::from_hex(parts[2].trim()).map_err(|e| bad("pdq_hex", e.to_string()))?,
            timestamp: parts[3]
                .trim()
                .parse()
                .map_err(|e| bad("timestamp", format!("{e}")))?,
        });
    }
    Ok(out)
}

/// Result of matching two videos, as percentages (0..=100).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoMatch {
    /// Share of the query's (quality-filtered) frames that have a close frame in the target.
    pub query_match_percent: f64,
    /// Share of the target's (quality-filtered) frames that have a close frame in the query.
    pub target_match_percent: f64,
}

/// The reference brute-force video match: frames below `min_quality` are dropped, a frame matches when some
/// frame of the other video is at distance strictly below `distance_tolerance`.
pub fn match_videos(
    query: &[VpdqFeature],
    target: &[VpdqFeature],
    distance_tolerance: u32,
    min_quality: u8,
) -> VideoMatch {
    let q: Vec<&PdqHash> = query
        .iter()
        .filter(|f| f.quality >= min_quality)
        .map(|f| &f.hash)
        .collect();
    let t: Vec<&PdqHash> = target
        .iter()
        .filter(|f| f.quality >= min_quality)
        .map(|f| &f.hash)
        .collect();
    if q.is_empty() || t.is_empty() {
        return VideoMatch {
            query_match_percent: 0.0,
            target_match_percent: 0.0,
        };
    }
    let count = |a: &[&PdqHash], b: &[&PdqHash]| {
        a.iter()
            .filter(|x| b.iter().any(|y| x.distance(y) < distance_tolerance))
            .count() as f64
    };
    VideoMatch {
        query_match_percent: count(&q, &t) * 100.0 / q.len() as f64,
        target_match_percent: count(&t, &q) * 100.0 / t.len() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(n: u64, quality: u8, limb: u64) -> VpdqFeature {
        VpdqFeature {
            frame_number: n,
            quality,
            hash: PdqHash::from_limbs([limb, 0, 0, 0]),
            timestamp: n as f64 / 30.0,
        }
    }

    #[test]
    fn format_round_trips() {
        let f = feature(7, 100, 0xdead);
        let line = f.to_string();
        assert_eq!(line, format!("7,100,{},0.233", f.hash));
        let parsed = parse_vpdq(&line, Path::new("x.txt")).unwrap();
        assert_eq!(parsed[0].hash, f.hash);
        assert_eq!(parsed[0].frame_number, 7);
    }

    #[test]
    fn bad_lines_name_line_and_field() {
        let cases = [
            ("1,2,3", "line"),
            (
                "x,100,0000000000000000000000000000000000000000000000000000000000000000,0.0",
                "frame_number",
            ),
            ("1,100,zz,0.0", "pdq_hex"),
        ];
        for (text, field) in cases {
            match parse_vpdq(text, Path::new("v.txt")) {
                Err(PhashError::Record {
                    line: 1, field: f, ..
                }) => assert_eq!(f, field),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn matching_table() {
        let a = [
            feature(0, 100, 0),
            feature(1, 100, 0xFF),
            feature(2, 10, 0xFFFF_FFFF),
        ];
        let b = [feature(0, 100, 1), feature(1, 100, u64::MAX)];
        let m = match_videos(&a, &b, 31, 50);
        assert_eq!(m.query_match_percent, 100.0);
        assert_eq!(m.target_match_percent, 50.0);
        assert_eq!(match_videos(&a, &[], 31, 50).query_match_percent, 0.0);
    }

    #[test]
    fn missing_ffmpeg_is_a_clear_error() {
        let options = VpdqOptions {
            ffmpeg: PathBuf::from("/nonexistent/ffmpeg"),
            ..VpdqOptions::default()
        };
        match hash_video(Path::new("clip.mp4"), &options) {
            Err(PhashError::Video { reason, .. }) => {
                assert!(reason.contains("not found"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn frame_rates() {
        assert_eq!(parse_rate("30/1"), Some(30.0));
        assert_eq!(
            parse_rate("30000/1001").map(|r| (r * 1000.0).round()),
            Some(29970.0)
        );
        assert_eq!(parse_rate("0/0"), None);
        assert_eq!(parse_rate("abc"), None);
    }
}
