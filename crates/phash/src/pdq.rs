//! The PDQ algorithm on pixels: luma, two Jarosz (box-filter) passes, 64x64 decimation, the quality metric,
//! the 16x16 block of a 64x64 DCT, the median threshold and the 8 dihedral variants.
//!
//! Every float operation is `f32` and happens in the same order as in Meta's reference C++ (`pdqhashing.cpp`,
//! `downscaling.cpp`, `torben.cpp`), so the same pixels give the same bits. The speed-ups keep that order per
//! output value: the column passes run over many columns at once, and the second pass only computes the 64x64
//! samples that decimation keeps.

use crate::hash256::PdqHash;
use std::sync::OnceLock;

/// Images smaller than this (either side) hash to all zeros with quality 0, as in the reference.
pub const MIN_HASHABLE_DIM: usize = 5;

/// A PDQ hash and its quality (0..=100; the reference suggests ignoring hashes below 50).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdq {
    /// The hash.
    pub hash: PdqHash,
    /// Gradient-based quality metric, 0..=100.
    pub quality: u8,
}

/// The 8 dihedral hashes of an image, in the reference order: original, rot90, rot180, rot270, flipX, flipY,
/// flipPlus1, flipMinus1. Each is the hash the transformed image would have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PdqDihedral {
    /// The 8 hashes in [`Dihedral::ALL`] order.
    pub hashes: [PdqHash; 8],
    /// Quality of the original (the same for every variant).
    pub quality: u8,
}

/// One of the 8 rotations and flips of the square.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dihedral {
    /// Unchanged.
    Original,
    /// Rotated 90 degrees.
    Rotate90,
    /// Rotated 180 degrees.
    Rotate180,
    /// Rotated 270 degrees.
    Rotate270,
    /// Mirrored top to bottom.
    FlipX,
    /// Mirrored left to right.
    FlipY,
    /// Transposed about the main diagonal.
    FlipPlus1,
    /// Transposed about the anti-diagonal.
    FlipMinus1,
}

impl Dihedral {
    /// The reference order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];

    /// A short stable name (`original`, `rot90`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Dihedral::Original => "original",
            Dihedral::Rotate90 => "rot90",
            Dihedral::Rotate180 => "rot180",
            Dihedral::Rotate270 => "rot270",
            Dihedral::FlipX => "flipX",
            Dihedral::FlipY => "flipY",
            Dihedral::FlipPlus1 => "flipPlus1",
            Dihedral::FlipMinus1 => "flipMinus1",
        }
    }

    /// Applies this transformation to a 16x16 DCT block (`a` row-major) into `b`.
    fn apply(self, a: &[f32; 256], b: &mut [f32; 256]) {
        for i in 0..16 {
            for j in 0..16 {
                let v = a[i * 16 + j];
                let (pos, negate) = match self {
                    Dihedral::Original => (i * 16 + j, false),
                    Dihedral::Rotate90 => (j * 16 + i, j & 1 == 0),
                    Dihedral::Rotate180 => (i * 16 + j, (i + j) & 1 == 1),
                    Dihedral::Rotate270 => (j * 16 + i, i & 1 == 0),
                    Dihedral::FlipX => (i * 16 + j, i & 1 == 0),
                    Dihedral::FlipY => (i * 16 + j, j & 1 == 0),
                    Dihedral::FlipPlus1 => (j * 16 + i, false),
                    Dihedral::FlipMinus1 => (j * 16 + i, (i + j) & 1 == 1),
                };
                b[pos] = if negate { -v } else { v };
            }
        }
    }
}

/// Luma of one RGB pixel, exactly as the reference (`0.299 R + 0.587 G + 0.114 B` in `f32`, left to right).
#[inline]
pub fn luma_of(r: u8, g: u8, b: u8) -> f32 {
    0.299f32 * f32::from(r) + 0.587f32 * f32::from(g) + 0.114f32 * f32::from(b)
}

/// Luma as the `pdqhash` Python package computes it (numpy: `R*0.299 + G*0.587 + B*0.114` in `f64`, then cast to
/// `f32`). This is what ThreatExchange and Hasher-Matcher-Actioner hash with.
#[inline]
pub fn luma_of_f64(r: u8, g: u8, b: u8) -> f32 {
    (f64::from(r) * 0.299 + f64::from(g) * 0.587 + f64::from(b) * 0.114) as f32
}

/// Which luma formula feeds the filter. Both are `0.299 R + 0.587 G + 0.114 B`; they differ in the last bit of
/// some values, which can flip a bit of the hash (or of a dihedral variant) near the median.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LumaRule {
    /// `f64` arithmetic rounded to `f32` (the `pdqhash` Python package, so ThreatExchange and HMA). Default for
    /// image files.
    #[default]
    PdqhashPython,
    /// `f32` arithmetic (Meta's C++ `pdq-photo-hasher` and `vpdq`).
    ReferenceCpp,
}

/// Reusable working memory for hashing (two full-size `f32` planes); one per thread.
#[derive(Debug, Default)]
pub struct PdqHasher {
    luma: Vec<f32>,
    scratch: Vec<f32>,
    rule: LumaRule,
}

impl PdqHasher {
    /// A hasher with empty buffers (they grow to the largest image hashed) and the default luma rule.
    pub fn new() -> Self {
        Self::default()
    }

    /// A hasher using the given luma rule.
    pub fn with_luma_rule(rule: LumaRule) -> Self {
        PdqHasher {
            rule,
            ..Self::default()
        }
    }

    /// PDQ hash of packed RGB pixels (`rgb.len() == 3 * width * height`, rows top to bottom).
    ///
    /// # Panics
    /// Never on any input: a buffer of the wrong length is treated as too small and hashes to zero.
    pub fn hash_rgb(&mut self, rgb: &[u8], width: usize, height: usize) -> Pdq {
        match self.dct_from_rgb(rgb, width, height) {
            Some((dct, quality)) => Pdq {
                hash: bits_from_dct(&dct),
                quality,
            },
            None => Pdq {
                hash: PdqHash::ZERO,
                quality: 0,
            },
        }
    }

    /// The 8 dihedral hashes of packed RGB pixels.
    pub fn hash_rgb_dihedral(&mut self, rgb: &[u8], width: usize, height: usize) -> PdqDihedral {
        match self.dct_from_rgb(rgb, width, height) {
            Some((dct, quality)) => {
                let mut hashes = [PdqHash::ZERO; 8];
                let mut aux = [0f32; 256];
                for (slot, d) in hashes.iter_mut().zip(Dihedral::ALL) {
                    d.apply(&dct, &mut aux);
                    *slot = bits_from_dct(&aux);
                }
                PdqDihedral { hashes, quality }
            }
            None => PdqDihedral {
                hashes: [PdqHash::ZERO; 8],
                quality: 0,
            },
        }
    }

    /// The 16x16 DCT block (row-major, before the median threshold) and quality of packed RGB pixels, as the
    /// reference's `pdqFloat256FromFloatLuma` (`pdqhash.compute_float` in Python); `None` for images too small.
    pub fn float_hash_rgb(
        &mut self,
        rgb: &[u8],
        width: usize,
        height: usize,
    ) -> Option<([f32; 256], u8)> {
        self.dct_from_rgb(rgb, width, height)
    }

    /// PDQ hash of a luma plane (row-major `f32`, `luma.len() == width * height`), as the reference's
    /// `pdqHash256FromFloatLuma`.
    pub fn hash_luma(&mut self, luma: &[f32], width: usize, height: usize) -> Pdq {
        if width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM || luma.len() != width * height {
            return Pdq {
                hash: PdqHash::ZERO,
                quality: 0,
            };
        }
        self.luma.clear();
        self.luma.extend_from_slice(luma);
        let (dct, quality) = self.dct_from_luma(width, height);
        Pdq {
            hash: bits_from_dct(&dct),
            quality,
        }
    }

    fn dct_from_rgb(
        &mut self,
        rgb: &[u8],
        width: usize,
        height: usize,
    ) -> Option<([f32; 256], u8)> {
        if width < MIN_HASHABLE_DIM || height < MIN_HASHABLE_DIM || rgb.len() != width * height * 3
        {
            return None;
        }
        self.luma.clear();
        match self.rule {
            LumaRule::PdqhashPython => self
                .luma
                .extend(rgb.chunks_exact(3).map(|p| luma_of_f64(p[0], p[1], p[2]))),
            LumaRule::ReferenceCpp => self
                .luma
                .extend(rgb.chunks_exact(3).map(|p| luma_of(p[0], p[1], p[2]))),
        }
        Some(self.dct_from_luma(width, height))
    }

    fn dct_from_luma(&mut self, width: usize, height: usize) -> ([f32; 256], u8) {
        let mut block = [0f32; 64 * 64];
        if width == 64 && height == 64 {
            // The reference skips the filter when the input already is 64x64 (video frames scaled by ffmpeg).
            block.copy_from_slice(&self.luma[..64 * 64]);
        } else {
            downsample_64(&mut self.luma, &mut self.scratch, width, height, &mut block);
        }
        let quality = quality_metric(&block);
        (dct_64_to_16(&block), quality)
    }
}

/// `(old + 2*new - 1) / (2*new)`: the per-pass box window of the reference.
pub fn jarosz_window(old_dimension: usize, new_dimension: usize) -> usize {
    old_dimension.div_ceil(2 * new_dimension)
}

/// The reference's phase counts for one box-filter pass over a vector of `len` with window `full`.
#[derive(Debug, Clone, Copy)]
struct BoxPhases {
    p1: usize,
    p2: usize,
    p3: usize,
    p4: usize,
}

impl BoxPhases {
    fn new(len: usize, full: usize) -> Self {
        let half = (full + 2) / 2;
        BoxPhases {
            p1: half - 1,
            p2: full - half + 1,
            p3: len.saturating_sub(full),
            p4: half - 1,
        }
    }
}

/// Box filter along one row (contiguous), writing every output.
fn box_row(input: &[f32], out: &mut [f32], ph: BoxPhases) {
    let mut sum = 0f32;
    let mut cws = 0u32;
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    for _ in 0..ph.p1 {
        sum += input[ri];
        cws += 1;
        ri += 1;
    }
    for _ in 0..ph.p2 {
        sum += input[ri];
        cws += 1;
        out[oi] = sum / cws as f32;
        ri += 1;
        oi += 1;
    }
    let divisor = cws as f32;
    for _ in 0..ph.p3 {
        sum += input[ri];
        sum -= input[li];
        out[oi] = sum / divisor;
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..ph.p4 {
        sum -= input[li];
        cws -= 1;
        out[oi] = sum / cws as f32;
        li += 1;
        oi += 1;
    }
}

/// Box filter along one row, producing only the outputs at `keep` (ascending column indices) into `out`.
fn box_row_sampled(input: &[f32], out: &mut [f32; 64], keep: &[usize; 64], ph: BoxPhases) {
    let mut sum = 0f32;
    let mut cws = 0u32;
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let mut next = 0usize;
    macro_rules! emit {
        () => {
            while next < 64 && keep[next] == oi {
                out[next] = sum / cws as f32;
                next += 1;
            }
        };
    }
    for _ in 0..ph.p1 {
        sum += input[ri];
        cws += 1;
        ri += 1;
    }
    for _ in 0..ph.p2 {
        sum += input[ri];
        cws += 1;
        emit!();
        ri += 1;
        oi += 1;
    }
    for _ in 0..ph.p3 {
        sum += input[ri];
        sum -= input[li];
        emit!();
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..ph.p4 {
        sum -= input[li];
        cws -= 1;
        emit!();
        li += 1;
        oi += 1;
    }
}

/// Box filter down every column of a `rows x cols` row-major matrix at once (same per-column arithmetic as the
/// reference's strided loop), writing only the output rows for which `keep_row` says so.
fn box_cols(
    input: &[f32],
    out: &mut [f32],
    cols: usize,
    ph: BoxPhases,
    keep_row: impl Fn(usize) -> bool,
) {
    let mut sums = vec![0f32; cols];
    let mut cws = 0u32;
    let (mut li, mut ri, mut oi) = (0usize, 0usize, 0usize);
    let row = |r: usize| &input[r * cols..(r + 1) * cols];
    for _ in 0..ph.p1 {
        for (s, &x) in sums.iter_mut().zip(row(ri)) {
            *s += x;
        }
        cws += 1;
        ri += 1;
    }
    for _ in 0..ph.p2 {
        for (s, &x) in sums.iter_mut().zip(row(ri)) {
            *s += x;
        }
        cws += 1;
        if keep_row(oi) {
            let d = cws as f32;
            for (o, &s) in out[oi * cols..(oi + 1) * cols].iter_mut().zip(&sums) {
                *o = s / d;
            }
        }
        ri += 1;
        oi += 1;
    }
    let d = cws as f32;
    for _ in 0..ph.p3 {
        let (add, sub) = (row(ri), row(li));
        for ((s, &a), &b) in sums.iter_mut().zip(add).zip(sub) {
            *s += a;
            *s -= b;
        }
        if keep_row(oi) {
            for (o, &s) in out[oi * cols..(oi + 1) * cols].iter_mut().zip(&sums) {
                *o = s / d;
            }
        }
        li += 1;
        ri += 1;
        oi += 1;
    }
    for _ in 0..ph.p4 {
        for (s, &b) in sums.iter_mut().zip(row(li)) {
            *s -= b;
        }
        cws -= 1;
        if keep_row(oi) {
            let d = cws as f32;
            for (o, &s) in out[oi * cols..(oi + 1) * cols].iter_mut().zip(&sums) {
                *o = s / d;
            }
        }
        li += 1;
        oi += 1;
    }
}

/// The reference's decimation indices: centres of 64 equal slices of `n`.
fn decimation_indices(n: usize) -> [usize; 64] {
    let mut idx = [0usize; 64];
    for (i, slot) in idx.iter_mut().enumerate() {
        *slot = (((i as f64 + 0.5) * n as f64) / 64.0) as usize;
    }
    idx
}

/// Two Jarosz passes (rows then columns, twice) and decimation to 64x64, equal to the reference's
/// `jaroszFilterFloat` + `decimateFloat` on the values it keeps. `luma` (holding `width * height` values) is
/// overwritten; both buffers grow to at least `max(width, 64) * height`.
fn downsample_64(
    luma: &mut Vec<f32>,
    scratch: &mut Vec<f32>,
    width: usize,
    height: usize,
    block: &mut [f32; 4096],
) {
    let room = width.max(64) * height;
    if luma.len() < room {
        luma.resize(room, 0.0);
    }
    if scratch.len() < room {
        scratch.resize(room, 0.0);
    }
    let wr = BoxPhases::new(width, jarosz_window(width, 64));
    let wc = BoxPhases::new(height, jarosz_window(height, 64));
    let keep_cols = decimation_indices(width);
    let keep_rows = decimation_indices(height);

    // Pass 1: full rows, then full columns (back into `luma`).
    for (src, dst) in luma[..width * height]
        .chunks_exact(width)
        .zip(scratch.chunks_exact_mut(width))
    {
        box_row(src, dst, wr);
    }
    box_cols(
        &scratch[..width * height],
        &mut luma[..width * height],
        width,
        wc,
        |_| true,
    );

    // Pass 2: rows only at the 64 kept columns (into a height x 64 matrix), then columns at the 64 kept rows.
    let narrow = &mut scratch[..height * 64];
    for (src, dst) in luma[..width * height]
        .chunks_exact(width)
        .zip(narrow.chunks_exact_mut(64))
    {
        let dst: &mut [f32; 64] = dst.try_into().expect("64-wide chunk");
        box_row_sampled(src, dst, &keep_cols, wr);
    }
    let mut is_kept = vec![false; height];
    for &r in &keep_rows {
        is_kept[r] = true;
    }
    let out = &mut luma[..height * 64];
    box_cols(narrow, out, 64, wc, |r| is_kept[r]);
    for (i, &r) in keep_rows.iter().enumerate() {
        block[i * 64..(i + 1) * 64].copy_from_slice(&out[r * 64..(r + 1) * 64]);
    }
}

/// The reference's image-domain quality metric on the 64x64 block.
pub fn quality_metric(block: &[f32; 4096]) -> u8 {
    let mut gradient_sum: i64 = 0;
    let step = |u: f32, v: f32| -> i64 {
        let d = (((u - v) * 100f32) / 255f32) as i32;
        i64::from(d.unsigned_abs())
    };
    for i in 0..63 {
        for j in 0..64 {
            gradient_sum += step(block[i * 64 + j], block[(i + 1) * 64 + j]);
        }
    }
    for i in 0..64 {
        for j in 0..63 {
            gradient_sum += step(block[i * 64 + j], block[i * 64 + j + 1]);
        }
    }
    (gradient_sum / 90).min(100) as u8
}

fn dct_matrix() -> &'static [f32; 16 * 64] {
    static MATRIX: OnceLock<[f32; 16 * 64]> = OnceLock::new();
    MATRIX.get_or_init(|| {
        let scale = (2.0f64 / 64.0).sqrt() as f32;
        let mut m = [0f32; 16 * 64];
        for i in 0..16 {
            for j in 0..64 {
                let angle =
                    (std::f64::consts::PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
                m[i * 64 + j] = (f64::from(scale) * angle.cos()) as f32;
            }
        }
        m
    })
}

/// `B = D A D^T` for the 16 lowest non-DC frequencies, summed in the reference's order.
pub fn dct_64_to_16(a: &[f32; 4096]) -> [f32; 256] {
    let d = dct_matrix();
    let mut t = [0f32; 16 * 64];
    for i in 0..16 {
        let drow = &d[i * 64..(i + 1) * 64];
        let trow = &mut t[i * 64..(i + 1) * 64];
        // T[i][j] = sum_k D[i][k] * A[k][j], accumulated over k in order, for all j at once.
        for (k, &dk) in drow.iter().enumerate() {
            let arow = &a[k * 64..(k + 1) * 64];
            for (tj, &akj) in trow.iter_mut().zip(arow) {
                *tj += dk * akj;
            }
        }
    }
    let mut b = [0f32; 256];
    for i in 0..16 {
        let trow = &t[i * 64..(i + 1) * 64];
        for j in 0..16 {
            let drow = &d[j * 64..(j + 1) * 64];
            let mut sum = 0f32;
            for k in 0..64 {
                sum += trow[k] * drow[k];
            }
            b[i * 16 + j] = sum;
        }
    }
    b
}

/// Torben's median as in the reference (`torben.cpp`), including its choice among equal candidates.
pub fn torben_median(m: &[f32]) -> f32 {
    let n = m.len();
    let (mut min, mut max) = (m[0], m[0]);
    for &x in &m[1..] {
        if x < min {
            min = x;
        }
        if x > max {
            max = x;
        }
    }
    let half = n.div_ceil(2);
    loop {
        let guess = (min + max) / 2f32;
        let (mut less, mut greater, mut equal) = (0usize, 0usize, 0usize);
        let (mut maxltguess, mut mingtguess) = (min, max);
        for &x in m {
            if x < guess {
                less += 1;
                if x > maxltguess {
                    maxltguess = x;
                }
            } else if x > guess {
                greater += 1;
                if x < mingtguess {
                    mingtguess = x;
                }
            } else {
                equal += 1;
            }
        }
        if less <= half && greater <= half {
            return if less >= half {
                maxltguess
            } else if less + equal >= half {
                guess
            } else {
                mingtguess
            };
        } else if less > greater {
            max = maxltguess;
        } else {
            min = mingtguess;
        }
    }
}

/// Bit `i*16+j` is set when `dct[i][j]` is above the median.
fn bits_from_dct(dct: &[f32; 256]) -> PdqHash {
    let median = torben_median(dct);
    let mut hash = PdqHash::ZERO;
    for (k, &v) in dct.iter().enumerate() {
        if v > median {
            hash.set_bit(k);
        }
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Straight transcription of the reference loops (strided, unoptimised), to check the fast paths.
    fn reference_box_1d(input: &[f32], out: &mut [f32], len: usize, stride: usize, full: usize) {
        let ph = BoxPhases::new(len, full);
        let mut sum = 0f32;
        let mut cws = 0i32;
        let (mut li, mut ri, mut oi) = (0, 0, 0);
        for _ in 0..ph.p1 {
            sum += input[ri];
            cws += 1;
            ri += stride;
        }
        for _ in 0..ph.p2 {
            sum += input[ri];
            cws += 1;
            out[oi] = sum / cws as f32;
            ri += stride;
            oi += stride;
        }
        for _ in 0..ph.p3 {
            sum += input[ri];
            sum -= input[li];
            out[oi] = sum / cws as f32;
            li += stride;
            ri += stride;
            oi += stride;
        }
        for _ in 0..ph.p4 {
            sum -= input[li];
            cws -= 1;
            out[oi] = sum / cws as f32;
            li += stride;
            oi += stride;
        }
    }

    fn reference_downsample(luma: &[f32], w: usize, h: usize) -> [f32; 4096] {
        let mut b1 = luma.to_vec();
        let mut b2 = vec![0f32; w * h];
        let (wr, wc) = (jarosz_window(w, 64), jarosz_window(h, 64));
        for _ in 0..2 {
            for r in 0..h {
                reference_box_1d(&b1[r * w..], &mut b2[r * w..], w, 1, wr);
            }
            for c in 0..w {
                reference_box_1d(&b2[c..], &mut b1[c..], h, w, wc);
            }
        }
        let mut out = [0f32; 4096];
        for i in 0..64 {
            let ini = (((i as f64 + 0.5) * h as f64) / 64.0) as usize;
            for j in 0..64 {
                let inj = (((j as f64 + 0.5) * w as f64) / 64.0) as usize;
                out[i * 64 + j] = b1[ini * w + inj];
            }
        }
        out
    }

    #[test]
    fn fast_downsample_equals_the_reference_loops_bit_for_bit() {
        for &(w, h) in &[
            (5, 5),
            (7, 300),
            (64, 65),
            (129, 97),
            (500, 333),
            (1000, 17),
        ] {
            let luma: Vec<f32> = (0..w * h)
                .map(|k| ((k * 7919 + k / w * 31) % 256) as f32 * 0.77)
                .collect();
            let expected = reference_downsample(&luma, w, h);
            let mut work = luma.clone();
            let mut scratch = Vec::new();
            let mut block = [0f32; 4096];
            downsample_64(&mut work, &mut scratch, w, h, &mut block);
            for k in 0..4096 {
                assert_eq!(block[k].to_bits(), expected[k].to_bits(), "{w}x{h} at {k}");
            }
        }
    }

    #[test]
    fn jarosz_windows_match_the_reference_formula() {
        for (old, expected) in [
            (5, 1),
            (64, 1),
            (128, 1),
            (129, 2),
            (1004, 8),
            (1600, 13),
            (4032, 32),
        ] {
            assert_eq!(jarosz_window(old, 64), expected, "{old}");
        }
    }

    #[test]
    fn torben_median_table() {
        let cases: &[(&[f32], f32)] = &[
            (&[1.0], 1.0),
            (&[3.0, 1.0, 2.0], 2.0),
            (&[4.0, 1.0, 3.0, 2.0], 2.0),
            (&[5.0, 5.0, 5.0, 5.0], 5.0),
            (&[-1.0, 0.0, 1.0, 2.0, 100.0], 1.0),
        ];
        for (values, expected) in cases {
            assert_eq!(torben_median(values), *expected, "{values:?}");
        }
    }

    #[test]
    fn dihedral_transforms_are_a_group_action() {
        let a: [f32; 256] = std::array::from_fn(|k| k as f32 - 100.0);
        let mut b = [0f32; 256];
        let mut c = [0f32; 256];
        // Rotating by 90 twice is rotating by 180; flipping twice is the identity.
        Dihedral::Rotate90.apply(&a, &mut b);
        Dihedral::Rotate90.apply(&b, &mut c);
        let mut r180 = [0f32; 256];
        Dihedral::Rotate180.apply(&a, &mut r180);
        assert_eq!(c, r180);
        for d in [
            Dihedral::FlipX,
            Dihedral::FlipY,
            Dihedral::FlipPlus1,
            Dihedral::FlipMinus1,
        ] {
            d.apply(&a, &mut b);
            d.apply(&b, &mut c);
            assert_eq!(c, a, "{d:?}");
        }
    }

    #[test]
    fn tiny_or_malformed_inputs_hash_to_zero() {
        let mut h = PdqHasher::new();
        assert_eq!(
            h.hash_rgb(&[0; 3 * 4 * 4], 4, 4),
            Pdq {
                hash: PdqHash::ZERO,
                quality: 0
            }
        );
        assert_eq!(
            h.hash_rgb(&[0; 10], 5, 5),
            Pdq {
                hash: PdqHash::ZERO,
                quality: 0
            }
        );
        assert_eq!(h.hash_luma(&[0.0; 24], 5, 5).quality, 0);
    }

    #[test]
    fn flat_image_has_quality_zero() {
        let mut h = PdqHasher::new();
        let rgb = vec![128u8; 3 * 100 * 80];
        assert_eq!(h.hash_rgb(&rgb, 100, 80).quality, 0);
    }
}
