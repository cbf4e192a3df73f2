//! exosip (in progress).
