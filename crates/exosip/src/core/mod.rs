//! The sans-IO UA core (STYLE.md section 5): calls, dialogs and the
//! transaction layer, driven by `handle_input` / `poll_output` with an
//! explicit `now`, so whole call flows run on a virtual clock.

mod call;
mod dialog;
mod in_dialog;
mod invite_client;
mod invite_server;
mod mtu;
mod prack;
mod refer;
mod reject;
mod sdp;
mod terminate;
mod ua;
mod util;

pub use refer::{ReferTo, SIPFRAG, refer_to_of};
pub use sdp::sdp_of;
pub use ua::{Input, Output, Ua};

#[cfg(test)]
mod tests;
