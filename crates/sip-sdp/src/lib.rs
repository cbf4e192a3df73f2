//! SDP.
