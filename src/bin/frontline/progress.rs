//! Progress and diagnostics of a streaming run on stderr: each problem is
//! printed as it is found; a progress bar appears only when stderr is a
//! terminal and the run has lasted more than a second.

use frontline::stream::StreamEvents;
use frontline::Diagnostic;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long a run must last before it gets a bar.
const QUIET_FOR: Duration = Duration::from_secs(1);

/// Prints diagnostics and, on a terminal, a progress bar.
pub struct Progress {
    started: Instant,
    terminal: bool,
    total: Option<u64>,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress for reading `input` (`-` is stdin: a spinner without total).
    pub fn new(input: &Path) -> Self {
        let total = (input != Path::new("-"))
            .then(|| std::fs::metadata(input).ok().map(|m| m.len()))
            .flatten();
        Progress {
            started: Instant::now(),
            terminal: std::io::stderr().is_terminal(),
            total,
            bar: None,
        }
    }

    /// Remove the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn bar(&mut self) -> Option<&ProgressBar> {
        if self.bar.is_none() && self.terminal && self.started.elapsed() > QUIET_FOR {
            let bar = match self.total {
                Some(n) => ProgressBar::new(n).with_style(
                    ProgressStyle::with_template(
                        "{bar:40} {binary_bytes}/{binary_total_bytes} {msg} ({eta} left)",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
                ),
                None => ProgressBar::new_spinner().with_style(
                    ProgressStyle::with_template("{spinner} {binary_bytes} {msg}")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                ),
            };
            self.bar = Some(bar);
        }
        self.bar.as_ref()
    }
}

impl StreamEvents for Progress {
    fn diagnostic(&mut self, diagnostic: &Diagnostic) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{diagnostic}")),
            None => eprintln!("{diagnostic}"),
        }
    }

    fn progress(&mut self, bytes: u64, features: usize) {
        if let Some(bar) = self.bar() {
            bar.set_position(bytes);
            bar.set_message(format!("{features} features"));
        }
    }
}
