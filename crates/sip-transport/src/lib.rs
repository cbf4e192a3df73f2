//! sip-transport (in progress).
