//! Transaction layer settings (RFC 3261 section 17 and table 4 of appendix A).

use std::time::Duration;

/// Timer values and switches of the transaction layer.
///
/// Build it with struct-update syntax:
/// `TxnConfig { t1: Duration::from_millis(100), ..TxnConfig::default() }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxnConfig {
    /// T1, the RTT estimate (RFC 3261 section 17.1.1.1): 500 ms by default.
    /// Timers A, E and G start at T1; B, F, H, J, L and M are 64*T1.
    pub t1: Duration,
    /// T2, the maximum retransmit interval for non-INVITE requests and
    /// INVITE responses (section 17.1.2.2): 4 s by default.
    pub t2: Duration,
    /// T4, the maximum time a message stays in the network (section
    /// 17.1.2.2): 5 s by default. Timers I and K use it.
    pub t4: Duration,
    /// Timer D on unreliable transports (section 17.1.1.2, "at least
    /// 32 seconds"): 32 s by default.
    pub timer_d: Duration,
    /// Whether an INVITE server transaction sends 100 Trying itself when
    /// the TU has not answered within [`TxnConfig::trying_delay`]
    /// (section 17.2.1): true by default.
    pub auto_trying: bool,
    /// The delay before the automatic 100 Trying: 200 ms by default.
    pub trying_delay: Duration,
}

impl Default for TxnConfig {
    fn default() -> Self {
        Self {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            timer_d: Duration::from_secs(32),
            auto_trying: true,
            trying_delay: Duration::from_millis(200),
        }
    }
}

impl TxnConfig {
    /// The config the layer runs with: T1 at least 1 ms (a zero T1 would
    /// retransmit forever at one instant) and T2 at least T1.
    pub(crate) fn normalized(mut self) -> Self {
        self.t1 = self.t1.max(Duration::from_millis(1));
        self.t2 = self.t2.max(self.t1);
        self
    }

    /// 64*T1: Timers B, F, H, J, L and M.
    pub(crate) fn t1x64(&self) -> Duration {
        self.t1.saturating_mul(64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_normalization() {
        let c = TxnConfig::default();
        assert_eq!(
            (c.t1, c.t2, c.t4),
            (
                Duration::from_millis(500),
                Duration::from_secs(4),
                Duration::from_secs(5)
            )
        );
        assert_eq!(c.t1x64(), Duration::from_secs(32));
        let z = TxnConfig {
            t1: Duration::ZERO,
            t2: Duration::ZERO,
            ..c
        }
        .normalized();
        assert_eq!(z.t1, Duration::from_millis(1));
        assert_eq!(z.t2, z.t1);
        assert_eq!(
            TxnConfig {
                t1: Duration::MAX,
                ..c
            }
            .t1x64(),
            Duration::MAX
        );
    }
}
