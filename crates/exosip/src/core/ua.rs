//! The UA core: the sans-IO heart of the facade (STYLE.md section 5).
//!
//! It owns the transaction layer, the calls, their dialogs and the
//! records behind every `tid`, and follows the sip-txn contract:
//! `handle_input(Input)` with `now`, commands with `now`, and
//! `poll_output()` until it returns [`Output::Timeout`] or [`Output::Idle`]
//! after every mutation.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use sip_parser::{Message, Method, Transport};
use sip_txn::{ClientTxnId, ServerTxnId, Target, Transmit, TxnConfig, TxnEvent, TxnId, TxnLayer};

use super::call::{Call, TxnRec};
use super::dialog::Dialog;
use super::util::{host_port, new_branch};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::{Event, EventKind};
use crate::ids::{CallId, DialogId, IdGen, TransactionId};

/// An input of the UA core.
#[derive(Debug)]
pub enum Input {
    /// A message from the transport (RFC 3261 section 18).
    Receive(sip_txn::Received),
    /// Time passed: fire what is due at `now` (early calls are no-ops).
    Timeout(Instant),
    /// Sending to `destination` failed (RFC 3261 section 8.1.3.1).
    TransportError {
        /// When.
        now: Instant,
        /// The transport used.
        transport: Transport,
        /// Where the message was going.
        destination: SocketAddr,
    },
}

/// An output of the UA core.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Output {
    /// Bytes to send.
    Transmit(Transmit),
    /// An event for the application.
    Event(Event),
    /// Nothing to do until this instant: call `handle_input(Timeout)` then.
    Timeout(Instant),
    /// Nothing to do and no timer armed.
    Idle,
}

/// Timers the UA core runs itself (the transaction timers live in sip-txn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UaTimer {
    /// Retransmit our 2xx or give up on its ACK (RFC 3261 section 13.3.1.4).
    Retransmit2xx(DialogId),
    /// Send a re-INVITE again after a 491 (RFC 3261 section 14.1).
    GlareRetry(DialogId),
    /// A non-INVITE request the application has not answered after 64*T1:
    /// its client has given up (Timer F), so the core answers 500 to end
    /// the server transaction and keep memory bounded.
    Unanswered(TransactionId),
    /// Retransmit a reliable provisional response (RFC 3262 section 3).
    Reliable1xx(DialogId, u32),
}

/// The sans-IO user agent: calls, dialogs and transactions.
///
/// Method groups:
/// - inputs: [`Ua::handle_input`];
/// - outputs: [`Ua::poll_output`] (drain it after every input and command);
/// - call commands: `build_initial_invite`, `send_initial_invite`,
///   `build_answer`, `send_answer`, `build_ack`, `send_ack`,
///   `build_request`, `send_request`, `terminate`, `terminate_with_reason`,
///   `set_reference`;
/// - 100rel (RFC 3262): `build_prack`, `send_prack`;
/// - transfer (RFC 3515, RFC 3891): `build_refer`, `transfer_send_notify`,
///   `refer_to`, `replacing_refer_to`, `find_by_replaces`;
/// - SDP getters: `remote_sdp`, `local_sdp`, `remote_sdp_from_tid`, `local_sdp_from_tid`.
pub struct Ua {
    pub(crate) config: Config,
    pub(crate) txn: TxnLayer,
    pub(crate) listeners: Vec<(Transport, SocketAddr)>,
    pub(crate) calls: HashMap<CallId, Call>,
    pub(crate) dialogs: HashMap<DialogId, Dialog>,
    pub(crate) dialog_keys: HashMap<(String, String, String), DialogId>,
    pub(crate) calls_by_call_id: HashMap<String, Vec<CallId>>,
    pub(crate) txns: HashMap<TransactionId, TxnRec>,
    /// The transaction records of each call, so that ending a transaction
    /// or releasing a call never scans every record.
    txns_by_call: HashMap<CallId, Vec<TransactionId>>,
    pub(crate) client_ids: HashMap<ClientTxnId, TransactionId>,
    pub(crate) server_ids: HashMap<ServerTxnId, TransactionId>,
    pub(crate) timers: BTreeMap<(Instant, u64), UaTimer>,
    timer_seq: u64,
    pub(crate) events: VecDeque<Event>,
    pub(crate) transmits: VecDeque<Transmit>,
    pub(crate) now: Instant,
    ids: IdGen,
}

impl core::fmt::Debug for Ua {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ua")
            .field("calls", &self.calls.len())
            .field("dialogs", &self.dialogs.len())
            .field("transactions", &self.txns.len())
            .finish()
    }
}

impl Ua {
    /// A UA with `config`, its clock starting at `now`.
    pub fn new(config: Config, now: Instant) -> Self {
        let txn_config = TxnConfig {
            t1: config.t1,
            t2: config.t2,
            t4: config.t4,
            auto_trying: true,
            ..TxnConfig::default()
        };
        Self {
            txn: TxnLayer::new(txn_config, now),
            config,
            listeners: Vec::new(),
            calls: HashMap::new(),
            dialogs: HashMap::new(),
            dialog_keys: HashMap::new(),
            calls_by_call_id: HashMap::new(),
            txns: HashMap::new(),
            txns_by_call: HashMap::new(),
            client_ids: HashMap::new(),
            server_ids: HashMap::new(),
            timers: BTreeMap::new(),
            timer_seq: 0,
            events: VecDeque::new(),
            transmits: VecDeque::new(),
            now,
            ids: IdGen::default(),
        }
    }

    /// The options in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Declares a local socket (what `eXosip_listen_addr` bound): its
    /// address goes into Via and Contact unless masqueraded.
    pub fn add_listener(&mut self, transport: Transport, addr: SocketAddr) {
        self.listeners.push((transport, addr));
    }

    /// The local sockets declared with [`Ua::add_listener`].
    pub fn listeners(&self) -> &[(Transport, SocketAddr)] {
        &self.listeners
    }

    /// Number of live calls.
    pub fn call_count(&self) -> usize {
        self.calls.len()
    }

    /// Number of live dialogs.
    pub fn dialog_count(&self) -> usize {
        self.dialogs.len()
    }

    /// Number of transaction records the core still keeps (live
    /// transactions, and finished ones whose call may still name them).
    pub fn transaction_count(&self) -> usize {
        self.txns.len()
    }

    /// Feeds an input (RFC 3261 messages from the transport, time, errors).
    pub fn handle_input(&mut self, input: Input) {
        match input {
            Input::Receive(r) => {
                self.now = self.now.max(r.now);
                self.txn.handle_input(sip_txn::Input::Receive(r));
            }
            Input::Timeout(now) => {
                self.now = self.now.max(now);
                self.txn.handle_input(sip_txn::Input::Timeout(now));
                self.fire_timers(now);
            }
            Input::TransportError {
                now,
                transport,
                destination,
            } => {
                self.now = self.now.max(now);
                self.txn.transport_error(now, destination, transport);
            }
        }
    }

    /// The next output. Call until it returns [`Output::Timeout`] or
    /// [`Output::Idle`] after every input and command.
    pub fn poll_output(&mut self) -> Output {
        loop {
            if let Some(t) = self.transmits.pop_front() {
                return Output::Transmit(t);
            }
            match self.txn.poll_output() {
                sip_txn::Output::Transmit(t) => return Output::Transmit(t),
                sip_txn::Output::Event(e) => {
                    self.handle_txn_event(e);
                    continue;
                }
                out => {
                    if !self.transmits.is_empty() {
                        continue;
                    }
                    if let Some(e) = self.events.pop_front() {
                        return Output::Event(e);
                    }
                    let ours = self.timers.keys().next().map(|(t, _)| *t);
                    let theirs = match out {
                        sip_txn::Output::Timeout(t) => Some(t),
                        _ => None,
                    };
                    return match (ours, theirs) {
                        (Some(a), Some(b)) => Output::Timeout(a.min(b)),
                        (Some(a), None) | (None, Some(a)) => Output::Timeout(a),
                        (None, None) => Output::Idle,
                    };
                }
            }
        }
    }

    fn handle_txn_event(&mut self, e: TxnEvent) {
        match e {
            TxnEvent::NewRequest {
                id,
                request,
                cancels,
            } => self.on_new_request(id, request, cancels),
            TxnEvent::Ack { request } => self.on_ack(request),
            TxnEvent::Response { id, response, .. } => self.on_response(id, response),
            TxnEvent::StrayResponse { response } => self.on_stray_response(response.msg),
            TxnEvent::Timeout { id } => self.on_txn_failure(id, true),
            TxnEvent::TransportError { id } => self.on_txn_failure(id, false),
            TxnEvent::Terminated { id } => self.on_txn_terminated(id),
            other => tracing::debug!(?other, "transaction event ignored"),
        }
    }

    /// Arms a UA timer at `at`.
    pub(crate) fn arm(&mut self, at: Instant, timer: UaTimer) {
        self.timer_seq += 1;
        self.timers.insert((at, self.timer_seq), timer);
    }

    fn fire_timers(&mut self, now: Instant) {
        while let Some((&(at, seq), &timer)) = self.timers.iter().next() {
            if at > now {
                break;
            }
            self.timers.remove(&(at, seq));
            match timer {
                UaTimer::Retransmit2xx(did) => self.on_2xx_timer(now, did),
                UaTimer::GlareRetry(did) => self.on_glare_timer(now, did),
                UaTimer::Reliable1xx(did, rseq) => self.on_rel1xx_timer(now, did, rseq),
                UaTimer::Unanswered(tid) => self.on_unanswered_timer(tid),
            }
        }
    }

    // ----- ids and records -------------------------------------------------

    pub(crate) fn next_cid(&mut self) -> CallId {
        CallId(self.ids.next())
    }

    pub(crate) fn next_did(&mut self) -> DialogId {
        DialogId(self.ids.next())
    }

    pub(crate) fn add_txn(&mut self, rec: TxnRec) -> TransactionId {
        let tid = TransactionId(self.ids.next());
        match rec.id {
            TxnId::Client(c) => self.client_ids.insert(c, tid),
            TxnId::Server(s) => self.server_ids.insert(s, tid),
        };
        if let Some(cid) = rec.cid {
            self.txns_by_call.entry(cid).or_default().push(tid);
        }
        let unanswerable = matches!(rec.request.method(), Some(Method::Invite | Method::Ack));
        if matches!(rec.id, TxnId::Server(_)) && !unanswerable {
            let at = self.now + self.config.t1 * 64;
            self.arm(at, UaTimer::Unanswered(tid));
        }
        self.txns.insert(tid, rec);
        tid
    }

    fn on_unanswered_timer(&mut self, tid: TransactionId) {
        let Some(rec) = self.txns.get_mut(&tid) else {
            return;
        };
        let TxnId::Server(id) = rec.id else { return };
        if rec.answered {
            return;
        }
        rec.answered = true;
        let resp = super::reject::reject_with(&rec.request, 500, Some("Request Not Answered"));
        self.reply(id, resp);
    }

    pub(crate) fn tid_of(&self, id: TxnId) -> Option<TransactionId> {
        match id {
            TxnId::Client(c) => self.client_ids.get(&c).copied(),
            TxnId::Server(s) => self.server_ids.get(&s).copied(),
        }
    }

    fn on_txn_terminated(&mut self, id: TxnId) {
        let Some(tid) = self.tid_of(id) else { return };
        match id {
            TxnId::Client(c) => self.client_ids.remove(&c),
            TxnId::Server(s) => self.server_ids.remove(&s),
        };
        // A 2xx waiting for its ACK still needs the record for the CallAck
        // event; the 2xx is pending in the dialog the record belongs to.
        let Some(rec) = self.txns.get(&tid) else {
            return;
        };
        let awaited = rec
            .did
            .and_then(|did| self.dialogs.get(&did))
            .is_some_and(|d| d.pending_2xx.as_ref().is_some_and(|p| p.tid == tid));
        if !awaited {
            self.forget_txn(tid);
        }
    }

    /// Drops the record of a finished transaction and its entry in the
    /// call's index.
    pub(crate) fn forget_txn(&mut self, tid: TransactionId) {
        let Some(rec) = self.txns.remove(&tid) else {
            return;
        };
        if let Some(tids) = rec.cid.and_then(|cid| self.txns_by_call.get_mut(&cid)) {
            tids.retain(|t| *t != tid);
        }
    }

    pub(crate) fn insert_dialog(&mut self, d: Dialog) {
        self.dialog_keys.insert(d.key(), d.did);
        if let Some(call) = self.calls.get_mut(&d.cid) {
            call.dialogs.push(d.did);
        }
        self.dialogs.insert(d.did, d);
    }

    pub(crate) fn remove_dialog(&mut self, did: DialogId) {
        if let Some(d) = self.dialogs.remove(&did) {
            self.dialog_keys.remove(&d.key());
            if let Some(call) = self.calls.get_mut(&d.cid) {
                call.dialogs.retain(|x| *x != did);
            }
        }
    }

    pub(crate) fn find_dialog(
        &self,
        call_id: &[u8],
        local_tag: &[u8],
        remote_tag: &[u8],
    ) -> Option<DialogId> {
        let key = (
            String::from_utf8_lossy(call_id).into_owned(),
            String::from_utf8_lossy(local_tag).into_owned(),
            String::from_utf8_lossy(remote_tag).into_owned(),
        );
        self.dialog_keys.get(&key).copied()
    }

    pub(crate) fn add_call(&mut self, call: Call) {
        self.calls_by_call_id
            .entry(call.call_id.clone())
            .or_default()
            .push(call.cid);
        self.calls.insert(call.cid, call);
    }

    /// Removes a call whose INVITE is done and that has no dialog left,
    /// reporting `CallReleased`.
    pub(crate) fn maybe_release(&mut self, cid: CallId) {
        let Some(call) = self.calls.get(&cid) else {
            return;
        };
        if !call.invite_done || !call.dialogs.is_empty() {
            return;
        }
        let call = self.calls.remove(&cid).expect("checked above");
        if let Some(v) = self.calls_by_call_id.get_mut(&call.call_id) {
            v.retain(|c| *c != cid);
            if v.is_empty() {
                self.calls_by_call_id.remove(&call.call_id);
            }
        }
        let mut ev = Event::new(EventKind::CallReleased);
        ev.cid = Some(cid);
        ev.reference = call.reference;
        self.events.push_back(ev);
        // Server records of this call are no longer nameable: a request
        // still unanswered gets 487 (RFC 3261 section 15.1.2: the UAS must
        // still respond to requests pending when the dialog ends). Client
        // records go when their transaction terminates.
        for tid in self.txns_by_call.remove(&cid).unwrap_or_default() {
            let Some(rec) = self.txns.get(&tid) else {
                continue;
            };
            let TxnId::Server(id) = rec.id else { continue };
            if !rec.answered {
                let resp = super::reject::reject_with(&rec.request, 487, None);
                self.reply(id, resp);
            }
            self.txns.remove(&tid);
        }
    }

    /// Queues an event about transaction `tid` (request and last response
    /// from its record, reference from its call).
    pub(crate) fn emit(
        &mut self,
        kind: EventKind,
        tid: Option<TransactionId>,
        did: Option<DialogId>,
        cid: Option<CallId>,
    ) -> &mut Event {
        let mut ev = Event::new(kind);
        ev.tid = tid;
        ev.did = did;
        ev.cid = cid;
        if let Some(rec) = tid.and_then(|t| self.txns.get(&t)) {
            ev.request = Some(rec.request.clone());
            ev.response = rec.last_response.clone();
            ev.cid = ev.cid.or(rec.cid);
            ev.did = ev.did.or(rec.did);
        }
        ev.reference = ev
            .cid
            .and_then(|c| self.calls.get(&c))
            .and_then(|c| c.reference);
        self.events.push_back(ev);
        self.events.back_mut().expect("just pushed")
    }

    /// Attaches an application reference to a call (`eXosip_call_set_reference`).
    pub fn set_reference(&mut self, cid: CallId, reference: Option<u64>) -> Result<()> {
        let call = self.calls.get_mut(&cid).ok_or(Error::UnknownCall(cid))?;
        call.reference = reference;
        Ok(())
    }

    /// The application reference of a call (`eXosip_call_get_reference`).
    pub fn reference(&self, cid: CallId) -> Option<u64> {
        self.calls.get(&cid).and_then(|c| c.reference)
    }

    /// The call a dialog belongs to.
    pub fn call_of(&self, did: DialogId) -> Option<CallId> {
        self.dialogs.get(&did).map(|d| d.cid)
    }

    // ----- local addressing ---------------------------------------------

    /// The transport for a request whose URI names none: UDP when we listen
    /// on UDP, else the transport of the first listener, as eXosip sends on
    /// the transport the context listens on (RFC 3263 section 4.1 without
    /// DNS: the URI's `transport` parameter, when present, wins).
    pub(crate) fn default_transport(&self) -> Transport {
        if self.listeners.iter().any(|(t, _)| *t == Transport::Udp) {
            Transport::Udp
        } else {
            self.listeners.first().map_or(Transport::Udp, |(t, _)| *t)
        }
    }

    /// The local listener for `transport` (or the first one).
    pub(crate) fn local_addr(&self, transport: Transport) -> SocketAddr {
        self.listeners
            .iter()
            .find(|(t, _)| *t == transport)
            .or_else(|| self.listeners.first())
            .map_or_else(|| SocketAddr::from(([127, 0, 0, 1], 5060)), |(_, a)| *a)
    }

    /// `host:port` we advertise in Via and Contact for `transport`.
    pub(crate) fn sent_by(&self, transport: Transport) -> String {
        let addr = self.local_addr(transport);
        let host = self
            .config
            .masquerade_host
            .clone()
            .unwrap_or_else(|| addr.ip().to_string());
        let port = self.config.masquerade_port.unwrap_or_else(|| addr.port());
        host_port(&host, port)
    }

    /// A Via value with a fresh branch (RFC 3261 section 8.1.1.7; `;rport`
    /// from RFC 3581).
    pub(crate) fn via(&self, transport: Transport) -> String {
        let rport = if self.config.rport { ";rport" } else { "" };
        format!(
            "SIP/2.0/{} {}{rport};branch={}",
            transport.as_str(),
            self.sent_by(transport),
            new_branch()
        )
    }

    /// Our Contact for `user` (RFC 3261 section 8.1.1.8).
    pub(crate) fn contact(&self, user: Option<&str>, transport: Transport) -> String {
        let param = if transport == Transport::Udp {
            String::new()
        } else {
            format!(";transport={}", transport.as_str().to_ascii_lowercase())
        };
        match user.filter(|u| !u.is_empty()) {
            Some(u) => format!("<sip:{u}@{}{param}>", self.sent_by(transport)),
            None => format!("<sip:{}{param}>", self.sent_by(transport)),
        }
    }

    /// Sends a message outside any transaction (ACK for 2xx, 2xx retransmissions).
    pub(crate) fn send_stateless(&mut self, msg: Message, target: Target) {
        let now = self.now;
        self.txn.send_stateless(now, msg, target);
    }
}
