//! sip-txn (in progress).
