//! Ctrl-C. The handler is installed first thing in `main`, so that from
//! then on Ctrl-C only sets a flag: long runs check it before each chunk
//! of trajectories, and a command's output set before each output (a chart
//! takes a while to draw) and just before the swap. A command stopped so
//! removes its temporaries and the output folder it created, and exits
//! with code 130, leaving the previous outputs whole. (Ctrl-C in the
//! instant before the handler is installed ends the process at once, as
//! it would any program, before anything was created.)

use std::sync::atomic::{AtomicBool, Ordering};

static FLAG: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler, once.
pub fn install() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        // Without a handler (e.g. one is already installed) Ctrl-C simply
        // ends the process; the output set's temporaries are then left
        // behind, but never a half-written output.
        let _ = ctrlc::set_handler(|| FLAG.store(true, Ordering::Relaxed));
    });
}

/// The flag Ctrl-C sets (the handler installed if it was not yet).
pub fn interrupt_flag() -> &'static AtomicBool {
    install();
    &FLAG
}

/// Fails with [`hustle_sim::sim::Cancelled`] once Ctrl-C was pressed.
pub fn check_interrupt() -> Result<(), hustle_sim::sim::Cancelled> {
    if interrupt_flag().load(Ordering::Relaxed) {
        Err(hustle_sim::sim::Cancelled)
    } else {
        Ok(())
    }
}
