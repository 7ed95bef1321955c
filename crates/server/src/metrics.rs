//! Prometheus metrics, kept in process: request counts by route and status, request latency histogram,
//! screening queries and alerts raised.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency_buckets: [AtomicU64; 11],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    pub screened_queries: AtomicU64,
    pub alerts_raised: AtomicU64,
}

impl Metrics {
    pub fn record(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let secs = elapsed.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.latency_buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP interdict_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE interdict_http_requests_total counter\n");
        for ((method, route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "interdict_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP interdict_http_request_duration_seconds Request latency.\n");
        out.push_str("# TYPE interdict_http_request_duration_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let n = self.latency_buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "interdict_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}"
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "interdict_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "interdict_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "interdict_http_request_duration_seconds_count {count}");
        out.push_str("# TYPE interdict_screened_queries_total counter\n");
        let _ = writeln!(
            out,
            "interdict_screened_queries_total {}",
            self.screened_queries.load(Ordering::Relaxed)
        );
        out.push_str("# TYPE interdict_alerts_raised_total counter\n");
        let _ = writeln!(
            out,
            "interdict_alerts_raised_total {}",
            self.alerts_raised.load(Ordering::Relaxed)
        );
        out
    }
}
