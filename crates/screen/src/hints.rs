//! Hints to the processor and the kernel about memory, for speed only: none changes what any code computes.
//! The crate's only unsafe code is here.
//!
//! Screening against a large list is bound by memory latency: posting entries point at per-name state scattered
//! over hundreds of megabytes. [`prefetch`] starts loads early so they overlap; [`prefer_huge_pages`] asks Linux to
//! back the large arrays with 2 MiB pages, so the random reads miss the TLB far less often.

/// Asks the processor to start loading the cache line of `value` and goes on at once: loads issued a few entries
/// early overlap instead of each stalling the entry that needs it. A plain read (even through `black_box`) would
/// not do: the processor cannot retire it before the data arrives, so a few of them fill its reorder window and it
/// stalls anyway. A no-op on targets other than x86_64.
#[inline(always)]
pub(crate) fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache: it never faults, reads nothing into the program and writes
    // nothing, and `value` is a live reference in any case. SSE, which the instruction needs, is part of the
    // x86_64 baseline that every x86_64 target enables.
    #[allow(unsafe_code)]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const T).cast(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// [`prefetch`] of the first cache line of `values`, if any.
#[inline(always)]
pub(crate) fn prefetch_slice<T>(values: &[T]) {
    if let Some(first) = values.first() {
        prefetch(first);
    }
}

/// Asks Linux to back the whole 2 MiB pages inside `values` with huge pages, now (`MADV_COLLAPSE`, Linux 6.1+)
/// and for pages faulted in later (`MADV_HUGEPAGE`, which matters where transparent huge pages are set to
/// `madvise`, the common default). Advice only: a kernel that refuses it (older, or huge pages disabled) leaves
/// the memory as it was, so errors are ignored. A no-op elsewhere than Linux and for arrays under 2 MiB.
pub(crate) fn prefer_huge_pages<T>(values: &[T]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE_PAGE: usize = 2 << 20;
        /// `MADV_COLLAPSE` (Linux 6.1); not yet in every libc release.
        const MADV_COLLAPSE: libc::c_int = 25;
        let start = values.as_ptr() as usize;
        let first = start.next_multiple_of(HUGE_PAGE);
        let end = (start + std::mem::size_of_val(values)) & !(HUGE_PAGE - 1);
        if end > first {
            let (at, len) = (first as *mut libc::c_void, end - first);
            // SAFETY: madvise with these two advice values never changes the contents of memory or which
            // addresses are valid; the range lies inside `values`, memory this process owns and keeps mapped for
            // as long as the borrow lasts.
            #[allow(unsafe_code)]
            unsafe {
                libc::madvise(at, len, libc::MADV_HUGEPAGE);
                libc::madvise(at, len, MADV_COLLAPSE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = values;
}
