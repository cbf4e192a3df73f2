//! SIP parser.
