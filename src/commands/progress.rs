//! The one progress bar of every command: on stderr, only when stderr is a
//! terminal and the command is not quiet, and only for work longer than
//! about a second.

use indicatif::{HumanDuration, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Work shorter than this shows no bar.
const DELAY: Duration = Duration::from_millis(800);

/// A progress bar that appears once work has gone on for a while.
struct Progress {
    show: bool,
    start: Instant,
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress {
    /// A bar of trajectories, hidden when `quiet` or when stderr is not a
    /// terminal.
    fn new(quiet: bool) -> Self {
        Progress {
            show: !quiet && std::io::stderr().is_terminal(),
            start: Instant::now(),
            bar: Mutex::new(None),
        }
    }

    /// `done` of `total` finished. Reports may arrive out of order from
    /// several threads: the bar only moves forward.
    fn update(&self, done: u64, total: u64) {
        if !self.show || self.start.elapsed() < DELAY {
            return;
        }
        let mut bar = self.bar.lock().expect("progress bar lock");
        let b = bar.get_or_insert_with(|| {
            // Started late, the bar is told how long the work has taken so
            // far, so its estimate of the time left starts from the true rate.
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_elapsed(self.start.elapsed());
            b.set_style(
                ProgressStyle::with_template(TEMPLATE)
                    .expect("valid template")
                    .with_key("time_left", time_left),
            );
            b
        });
        b.set_length(total);
        if done > b.position() {
            b.set_position(done);
        }
    }

    /// Clears the bar, if it appeared.
    fn finish(self) {
        if let Some(b) = self.bar.into_inner().expect("progress bar lock") {
            b.finish_and_clear();
        }
    }
}

/// The bar's indicatif template.
const TEMPLATE: &str = "{spinner} {bar:40} {human_pos}/{human_len} trajectories, {time_left}";

/// The time left, once a tenth of the work is done and the rate is known;
/// before that an early rate says "0s left" at 7 %.
fn time_left(state: &ProgressState, w: &mut dyn std::fmt::Write) {
    let text = if state.fraction() < 0.1 {
        "estimating the time left".to_string()
    } else {
        format!("{:#} left", HumanDuration(state.eta()))
    };
    let _ = w.write_str(&text);
}

/// Calls `work` with a progress callback that drives a progress bar on
/// stderr for `total` trajectories (see [`Progress`]).
pub fn with_progress<R>(
    total: u64,
    quiet: bool,
    work: impl FnOnce(&(dyn Fn(u64) + Sync)) -> R,
) -> R {
    let bar = Progress::new(quiet);
    let result = work(&|done| bar.update(done, total));
    bar.finish();
    result
}
