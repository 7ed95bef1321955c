//! A progress bar on standard error for long batch runs; silent when not wanted (pipes, tests).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A counter of processed `unit`s, drawn only when `visible`.
    pub fn new(visible: bool, unit: &'static str) -> Self {
        let bar = ProgressBar::new_spinner();
        if visible {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(&format!(
                "{{spinner}} {{pos}} {unit} ({{per_sec}}) {{elapsed}}"
            )) {
                bar.set_style(style);
            }
        } else {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        Progress { bar }
    }

    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
