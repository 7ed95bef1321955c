//! String distances on folded (ASCII) tokens: bounded optimal-string-alignment distance, a one-edit test and
//! Jaro-Winkler similarity.

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions), or `None` when it exceeds `max`.
pub fn bounded_osa(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > max {
        return None;
    }
    if n == 0 || m == 0 {
        let d = n.max(m);
        return (d <= max).then_some(d);
    }
    // Three rolling rows in one buffer: on the stack for name-sized strings, on the heap for longer ones.
    const STACK: usize = 64;
    if m < STACK {
        osa_rows(a, b, max, &mut [0usize; 3 * STACK][..3 * (m + 1)])
    } else {
        osa_rows(a, b, max, &mut vec![0usize; 3 * (m + 1)])
    }
}

/// The OSA recurrence over `rows` (three rows of `b.len() + 1` cells), stopping once a whole row exceeds `max`.
fn osa_rows(a: &[u8], b: &[u8], max: usize, rows: &mut [usize]) -> Option<usize> {
    let w = b.len() + 1;
    let (mut prev2, mut prev, mut cur) = (0, w, 2 * w);
    for (j, cell) in rows[prev..prev + w].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        rows[cur] = i;
        let mut row_min = i;
        for j in 1..w {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev + j] + 1)
                .min(rows[cur + j - 1] + 1)
                .min(rows[prev + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2 + j - 2] + 1);
            }
            rows[cur + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        (prev2, prev, cur) = (prev, cur, prev2);
    }
    let d = rows[prev + w - 1];
    (d <= max).then_some(d)
}

/// Whether `a` and `b` differ by at most one insertion, deletion or substitution.
pub fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        short[prefix + 1.min(short.len() - prefix)..] == long[prefix + 1.min(long.len() - prefix)..]
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// Whether `a` and `b` are at most one edit apart, counting a swap of two adjacent characters as one edit.
pub fn within_one_edit_or_swap(a: &[u8], b: &[u8]) -> bool {
    if within_one_edit(a, b) {
        return true;
    }
    if a.len() != b.len() {
        return false;
    }
    let diffs: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    diffs.len() == 2
        && diffs[1] == diffs[0] + 1
        && a[diffs[0]] == b[diffs[1]]
        && a[diffs[1]] == b[diffs[0]]
}

/// Jaro-Winkler similarity in [0, 1].
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_match = [false; 64];
    let mut b_match = [false; 64];
    let (a, b) = (&a[..a.len().min(64)], &b[..b.len().min(64)]);
    let mut matches = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_match[j] && b[j] == ca {
                a_match[i] = true;
                b_match[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0;
    for (i, &ca) in a.iter().enumerate() {
        if a_match[i] {
            while !b_match[k] {
                k += 1;
            }
            if ca != b[k] {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = matches as f64;
    let jaro =
        (m / a.len() as f64 + m / b.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osa_distances() {
        let table = [
            ("scholze", "scholz", Some(1)),
            ("mohammed", "mohamed", Some(1)),
            ("ab", "ba", Some(1)),
            ("myongsik", "myongguk", Some(2)),
            ("frank", "frederik", None),
            ("", "ab", Some(2)),
            ("", "abc", None),
        ];
        for (a, b, want) in table {
            assert_eq!(bounded_osa(a.as_bytes(), b.as_bytes(), 2), want, "{a} {b}");
        }
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit(b"HSN", b"HSN"));
        assert!(within_one_edit(b"HSN", b"HZN"));
        assert!(within_one_edit(b"HSN", b"HSNK"));
        assert!(within_one_edit(b"", b"A"));
        assert!(!within_one_edit(b"HSN", b"SNH"));
        assert!(!within_one_edit(b"HS", b"HSNK"));
    }

    #[test]
    fn jw() {
        assert!((jaro_winkler(b"martha", b"marhta") - 0.961).abs() < 0.001);
        assert_eq!(jaro_winkler(b"abc", b"abc"), 1.0);
        assert_eq!(jaro_winkler(b"abc", b"xyz"), 0.0);
    }

    proptest::proptest! {
        #[test]
        fn osa_is_symmetric_and_bounded(a in "[a-e]{0,8}", b in "[a-e]{0,8}") {
            let d1 = bounded_osa(a.as_bytes(), b.as_bytes(), 3);
            let d2 = bounded_osa(b.as_bytes(), a.as_bytes(), 3);
            proptest::prop_assert_eq!(d1, d2);
            proptest::prop_assert_eq!(within_one_edit(a.as_bytes(), b.as_bytes()), d1.is_some_and(|d| d <= 1) && {
                // OSA counts a transposition as one edit; within_one_edit does not.
                let plain = bounded_levenshtein(a.as_bytes(), b.as_bytes());
                plain <= 1
            });
        }
    }

    fn bounded_levenshtein(a: &[u8], b: &[u8]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for i in 1..=a.len() {
            let mut cur = vec![i; b.len() + 1];
            for j in 1..=b.len() {
                cur[j] = (prev[j] + 1)
                    .min(cur[j - 1] + 1)
                    .min(prev[j - 1] + usize::from(a[i - 1] != b[j - 1]));
            }
            prev = cur;
        }
        prev[b.len()]
    }
}
