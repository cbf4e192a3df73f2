//! Options of a context, the counterpart of `eXosip_set_option`
//! (`EXOSIP_OPT_*`).

use std::time::Duration;

/// Settings of a UA (RFC 3261 timers, headers, automatic behaviour).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// `User-Agent` header value (`eXosip_set_user_agent`).
    pub user_agent: String,
    /// Prefer IPv6 (`EXOSIP_OPT_ENABLE_IPV6`): used when the context picks
    /// a default bind address.
    pub ipv6: bool,
    /// Host written in Via and Contact instead of the socket address
    /// (`eXosip_masquerade_contact`), e.g. a public address behind NAT.
    pub masquerade_host: Option<String>,
    /// Port written in Via and Contact with [`Config::masquerade_host`].
    pub masquerade_port: Option<u16>,
    /// Add `;rport` to our Via (RFC 3581, `EXOSIP_OPT_USE_RPORT`).
    pub rport: bool,
    /// RFC 3261 T1: RTT estimate (500 ms).
    pub t1: Duration,
    /// RFC 3261 T2: maximum retransmit interval for non-INVITE requests and
    /// INVITE 2xx (4 s).
    pub t2: Duration,
    /// RFC 3261 T4: maximum time a message stays in the network (5 s).
    pub t4: Duration,
    /// Automatic actions (`eXosip_automatic_action`): retry a re-INVITE
    /// after 491 (RFC 3261 section 14.1), ACK and BYE a 2xx that arrives
    /// after a CANCEL, BYE a dialog whose 2xx was never ACKed.
    pub automatic_actions: bool,
    /// Answer in-dialog INFO / OPTIONS / NOTIFY / MESSAGE / UPDATE without
    /// a body with 200 OK when the application has not answered them itself
    /// (they are still reported as `CallMessageNew`). Off: eXosip behaviour,
    /// the application answers.
    pub auto_answer_in_dialog: bool,
    /// Option tags we support (Supported header; a Require naming another
    /// tag is answered 420, RFC 3261 section 8.2.2.3). Default: `100rel`
    /// (RFC 3262), advertised in our INVITEs as eXosip does.
    pub supported: Vec<String>,
    /// Size limit of a request sent over UDP (RFC 3261 section 18.1.1):
    /// "if it is larger than 1300 bytes and the path MTU is unknown, the
    /// request MUST be sent using an RFC 2914 congestion controlled
    /// transport protocol, such as TCP". A request that resolves to UDP,
    /// whose URI (Request-URI or first Route) has no explicit
    /// `;transport=udp` and whose encoded size exceeds this many bytes is
    /// sent over TCP instead, decided before its client transaction is
    /// created (so it is a reliable transaction: no Timer A / E
    /// retransmissions): the top Via says `TCP` (and the TCP listener's
    /// port if it differs; branch and parameters kept). The Contact is
    /// unchanged, so the dialog goes on over UDP for later small requests;
    /// the responses to the large request come back on its TCP connection.
    /// Applies to the initial INVITE, in-dialog requests and the ACK for a
    /// 2xx (a CANCEL goes where its INVITE went, RFC 3261 section 9.1).
    /// Needs a TCP listener (`Context::listen(Transport::Tcp, ..)`):
    /// without one the request is sent over UDP as it is. Default
    /// `Some(1300)`; `None` or `Some(0)` disables the rule.
    pub mtu_threshold: Option<usize>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            user_agent: concat!("exosip-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            ipv6: false,
            masquerade_host: None,
            masquerade_port: None,
            rport: true,
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
            automatic_actions: true,
            auto_answer_in_dialog: false,
            supported: vec!["100rel".to_owned()],
            mtu_threshold: Some(1300),
        }
    }
}

impl Config {
    /// Sets the User-Agent (builder style).
    pub fn user_agent(mut self, ua: &str) -> Self {
        self.user_agent = ua.to_owned();
        self
    }

    /// Sets T1, T2 and T4 (builder style).
    pub fn timers(mut self, t1: Duration, t2: Duration, t4: Duration) -> Self {
        self.t1 = t1;
        self.t2 = t2;
        self.t4 = t4;
        self
    }

    /// Sets the masqueraded Contact / Via host and port (builder style).
    pub fn masquerade(mut self, host: &str, port: u16) -> Self {
        self.masquerade_host = Some(host.to_owned());
        self.masquerade_port = Some(port);
        self
    }

    /// Turns automatic actions on or off (builder style).
    pub fn automatic_actions(mut self, on: bool) -> Self {
        self.automatic_actions = on;
        self
    }

    /// Turns default answers to in-dialog requests on or off (builder style).
    pub fn auto_answer_in_dialog(mut self, on: bool) -> Self {
        self.auto_answer_in_dialog = on;
        self
    }

    /// Turns `;rport` on or off (builder style).
    pub fn rport(mut self, on: bool) -> Self {
        self.rport = on;
        self
    }

    /// Prefers IPv6 (builder style).
    pub fn ipv6(mut self, on: bool) -> Self {
        self.ipv6 = on;
        self
    }

    /// Sets the supported option tags (builder style).
    pub fn supported(mut self, tags: &[&str]) -> Self {
        self.supported = tags.iter().map(|t| (*t).to_owned()).collect();
        self
    }

    /// Sets the RFC 3261 section 18.1.1 size limit for UDP requests,
    /// [`Config::mtu_threshold`] (`None` or 0 disables; builder style).
    pub fn mtu_threshold(mut self, bytes: Option<usize>) -> Self {
        self.mtu_threshold = bytes;
        self
    }

    /// Whether option tag `tag` is supported.
    pub fn supports(&self, tag: &str) -> bool {
        self.supported.iter().any(|t| t.eq_ignore_ascii_case(tag))
    }
}
