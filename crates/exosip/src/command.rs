//! Commands from application threads to the worker (STYLE.md section 5):
//! a closure run on the worker with the UA core, answered over a
//! one-shot channel when the caller needs a value.

use std::sync::mpsc;

use crate::error::{Error, Result};
use crate::worker::Worker;

/// Work for the worker thread.
pub(crate) enum Command {
    /// Run this on the worker (it owns the UA core and the sockets).
    Run(Box<dyn FnOnce(&mut Worker) + Send>),
    /// Shut down: drop every transaction and leave the loop.
    Quit,
}

/// Wraps `f` so that its result comes back on the returned receiver.
pub(crate) fn with_reply<R, F>(f: F) -> (Command, mpsc::Receiver<R>)
where
    R: Send + 'static,
    F: FnOnce(&mut Worker) -> R + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    let cmd = Command::Run(Box::new(move |w| {
        let _ = tx.send(f(w));
    }));
    (cmd, rx)
}

/// Waits for a reply; a worker that is gone means the context is closed.
pub(crate) fn wait<R>(rx: &mpsc::Receiver<R>) -> Result<R> {
    rx.recv().map_err(|_| Error::Closed)
}
