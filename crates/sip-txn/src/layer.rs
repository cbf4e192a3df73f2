//! The transaction layer: demux, the four machines, timers, outputs
//! (RFC 3261 section 17), sans-IO.

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

use sip_parser::{Message, Method, Transport};

use crate::client::invite::{self as ict, Ict};
use crate::client::non_invite::Nict;
use crate::client::{self, ClientMachine, ClientTxn, build_cancel};
use crate::config::TxnConfig;
use crate::ctx::{Ctx, DestIndex};
use crate::error::TxnError;
use crate::event::{
    ClientTxnId, Input, Output, Received, ServerTxnId, Target, Transmit, TxnEvent, TxnId,
};
use crate::key::{ClientKey, ServerKey};
use crate::server::invite::Ist;
use crate::server::non_invite::Nist;
use crate::server::{self, ServerMachine, ServerTxn, TuResponse, reply_target};
use crate::slab::Slab;
use crate::timer::{TimerKind, TimerTable, Timers};

/// The RFC 3261 section 17 transaction layer: every client and server
/// transaction of one SIP element, their timers, and the demux of
/// received messages to them. It does no I/O and reads no clock.
///
/// # Methods
///
/// - getters: [`len`](Self::len), [`is_empty`](Self::is_empty),
///   [`config`](Self::config), [`next_deadline`](Self::next_deadline);
/// - input: [`handle_input`](Self::handle_input) (a received message, or
///   the clock reaching a deadline);
/// - commands from the TU: [`send_request`](Self::send_request),
///   [`send_response`](Self::send_response), [`cancel`](Self::cancel),
///   [`send_stateless`](Self::send_stateless),
///   [`transport_error`](Self::transport_error);
/// - output: [`poll_output`](Self::poll_output).
///
/// After every input or command, call `poll_output` until it returns
/// [`Output::Timeout`] or [`Output::Idle`]; then wait for a message or
/// the deadline and feed it in. A `Timeout` input before the deadline is
/// a harmless no-op.
///
/// Costs: matching is a hash lookup; arming, stopping and firing a timer
/// is O(log n) in the number of armed timers; `poll_output` is O(log n)
/// at worst. No operation scans all transactions.
pub struct TxnLayer {
    cfg: TxnConfig,
    now: Instant,
    clients: Slab<ClientTxn>,
    servers: Slab<ServerTxn>,
    client_keys: HashMap<ClientKey, ClientTxnId>,
    server_keys: HashMap<ServerKey, ServerTxnId>,
    timers: Timers,
    dests: DestIndex,
    out: VecDeque<Output>,
}

impl std::fmt::Debug for TxnLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxnLayer")
            .field("clients", &self.clients.len())
            .field("servers", &self.servers.len())
            .field("timers", &self.timers.len())
            .field("queued", &self.out.len())
            .finish_non_exhaustive()
    }
}

impl TxnLayer {
    /// An empty layer. `now` is the caller's clock at creation; the layer
    /// only ever learns the time from its inputs.
    pub fn new(config: TxnConfig, now: Instant) -> Self {
        Self {
            cfg: config.normalized(),
            now,
            clients: Slab::new(),
            servers: Slab::new(),
            client_keys: HashMap::new(),
            server_keys: HashMap::new(),
            timers: Timers::default(),
            dests: DestIndex::new(),
            out: VecDeque::new(),
        }
    }

    /// The settings in use (T1 at least 1 ms, T2 at least T1).
    pub const fn config(&self) -> &TxnConfig {
        &self.cfg
    }

    /// Number of live transactions, client and server.
    pub fn len(&self) -> usize {
        self.clients.len() + self.servers.len()
    }

    /// Whether no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The earliest armed timer, if any (what `poll_output` returns as
    /// [`Output::Timeout`] once the queue is drained).
    pub fn next_deadline(&self) -> Option<Instant> {
        self.timers.next()
    }

    /// The latest time the layer was given.
    pub const fn now(&self) -> Instant {
        self.now
    }

    /// Number of armed timers and queued outputs (for tests and fuzzing:
    /// both stay bounded by the live transactions once outputs are polled).
    #[doc(hidden)]
    pub fn footprint(&self) -> (usize, usize) {
        (self.timers.len(), self.out.len())
    }

    fn tick(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    /// Feeds a received message or the passing of time (RFC 3261 sections
    /// 17.1.3 and 17.2.3 for the demux). Never panics on peer input: a
    /// message that matches nothing is reported as an event or dropped.
    pub fn handle_input(&mut self, input: Input) {
        match input {
            Input::Receive(r) => {
                self.tick(r.now);
                if r.msg.is_response() {
                    self.handle_response(r);
                } else {
                    self.handle_request(r);
                }
            }
            Input::Timeout(now) => self.handle_timeout(now),
        }
    }

    fn handle_timeout(&mut self, now: Instant) {
        self.tick(now);
        while let Some((id, kind)) = self.timers.pop_due(now) {
            match id {
                TxnId::Client(c) => {
                    if let Some(t) = self.clients.get_mut(c.0) {
                        Timers::fired(&mut t.timers, kind);
                    }
                    self.step_client(now, c, client::Stimulus::Timer(kind));
                }
                TxnId::Server(s) => {
                    if let Some(t) = self.servers.get_mut(s.0) {
                        Timers::fired(&mut t.timers, kind);
                    }
                    // Timer steps never fail.
                    let _ = self.step_server(now, s, server::Stimulus::Timer(kind));
                }
            }
        }
    }

    fn handle_response(&mut self, r: Received) {
        let id = ClientKey::of_response(&r.msg).and_then(|k| self.client_keys.get(&k).copied());
        match id {
            Some(id) => self.step_client(r.now, id, client::Stimulus::Response(r.msg)),
            None => {
                tracing::debug!(from = %r.from, "response matches no client transaction");
                self.out
                    .push_back(Output::Event(TxnEvent::StrayResponse { response: r }));
            }
        }
    }

    /// The server transaction a request belongs to (section 17.2.3).
    fn match_server(&self, key: &ServerKey, msg: &Message) -> Option<ServerTxnId> {
        if let Some(&id) = self.server_keys.get(key) {
            return Some(id);
        }
        // RFC 2543: the ACK carries the To tag of the response, the INVITE
        // did not; it matches when that tag is the one we sent.
        if msg.method() == Some(&Method::Ack) {
            let id = *self.server_keys.get(&key.without_to_tag()?)?;
            if let ServerMachine::Invite(ist) = &self.servers.get(id.0)?.machine {
                if ist
                    .final_to_tag
                    .as_deref()
                    .is_none_or(|t| msg.to_tag() == Some(t))
                {
                    return Some(id);
                }
            }
        }
        None
    }

    fn handle_request(&mut self, r: Received) {
        let Some(method) = r.msg.method().cloned() else {
            return;
        };
        let Some(key) = ServerKey::of_request(&r.msg) else {
            tracing::debug!(from = %r.from, "request without a usable top Via dropped");
            return;
        };
        if let Some(id) = self.match_server(&key, &r.msg) {
            let now = r.now;
            let _ = self.step_server(now, id, server::Stimulus::Request(r));
            return;
        }
        if method == Method::Ack {
            self.out
                .push_back(Output::Event(TxnEvent::Ack { request: r }));
            return;
        }
        let Some(reply) = reply_target(&r) else {
            return;
        };
        let cancels = match method {
            Method::Cancel => self.match_server(&key.with_method(Method::Invite), &r.msg),
            _ => None,
        };
        let machine = match method {
            Method::Invite => ServerMachine::Invite(Ist::new(r.msg.clone())),
            _ => ServerMachine::NonInvite(Nist::new()),
        };
        let id = ServerTxnId(self.servers.insert(ServerTxn {
            key: key.clone(),
            reply,
            timers: TimerTable::default(),
            machine,
        }));
        self.server_keys.insert(key, id);
        let now = r.now;
        self.out.push_back(Output::Event(TxnEvent::NewRequest {
            id,
            request: r,
            cancels,
        }));
        let _ = self.step_server(now, id, server::Stimulus::Start);
    }

    /// Starts a client transaction for `request` (RFC 3261 section 17.1):
    /// an INVITE client transaction for INVITE, a non-INVITE one otherwise.
    /// The request must carry a top Via with a unique `branch` (see
    /// [`crate::new_branch`]) and a CSeq of its method. ACK is refused:
    /// send it with [`send_stateless`](Self::send_stateless).
    pub fn send_request(
        &mut self,
        now: Instant,
        request: Message,
        target: Target,
    ) -> Result<ClientTxnId, TxnError> {
        self.tick(now);
        let method = request.method().ok_or(TxnError::NotARequest)?.clone();
        if method == Method::Ack {
            return Err(TxnError::AckNeedsNoTransaction);
        }
        let key = ClientKey::of_request(&request)?;
        match request.cseq() {
            Some((_, m)) if Method::from_bytes(m).as_ref() == Some(&method) => {}
            _ => return Err(TxnError::BadCSeq),
        }
        if self.client_keys.contains_key(&key) {
            return Err(TxnError::DuplicateBranch);
        }
        let bytes = request.to_bytes();
        let machine = match method {
            Method::Invite => ClientMachine::Invite(Box::new(Ict::new(request, bytes))),
            _ => ClientMachine::NonInvite(Nict::new(bytes)),
        };
        let id = self.insert_client(key, target, machine);
        self.step_client(now, id, client::Stimulus::Start);
        Ok(id)
    }

    fn insert_client(
        &mut self,
        key: ClientKey,
        target: Target,
        machine: ClientMachine,
    ) -> ClientTxnId {
        let id = ClientTxnId(self.clients.insert(ClientTxn {
            key: key.clone(),
            target,
            timers: TimerTable::default(),
            machine,
        }));
        self.client_keys.insert(key, id);
        id
    }

    /// Sends a response on server transaction `id` (RFC 3261 sections
    /// 17.2.1 and 17.2.2) to the destination of section 18.2.2. A 2xx
    /// after a 2xx on an INVITE transaction is the TU's retransmission
    /// (RFC 6026 Accepted state). Errors: no such transaction, not a
    /// response, or a response the state forbids (a second final one).
    pub fn send_response(
        &mut self,
        now: Instant,
        id: ServerTxnId,
        response: Message,
    ) -> Result<(), TxnError> {
        self.tick(now);
        if self.servers.get(id.0).is_none() {
            return Err(TxnError::UnknownTransaction);
        }
        let resp = TuResponse::new(&response)?;
        self.step_server(now, id, server::Stimulus::Tu(resp))
    }

    /// Sends a message outside any transaction: the ACK for a 2xx and the
    /// UA core's 2xx retransmissions (RFC 3261 sections 13.3.1.4, 17.1.1.3).
    pub fn send_stateless(&mut self, now: Instant, msg: Message, target: Target) {
        self.tick(now);
        self.out.push_back(Output::Transmit(Transmit {
            transport: target.transport,
            destination: target.addr,
            bytes: msg.to_bytes(),
        }));
    }

    /// Cancels INVITE client transaction `id` (RFC 3261 section 9.1): builds
    /// the CANCEL (Request-URI, Call-ID, To, From, CSeq number and top Via
    /// of the INVITE, its Route headers) and starts its non-INVITE client
    /// transaction. The CANCEL is held until a provisional response
    /// arrives; if a final response or a timeout comes first it is never
    /// sent and its transaction just terminates. Calling it twice returns
    /// the same CANCEL transaction.
    pub fn cancel(&mut self, now: Instant, id: ClientTxnId) -> Result<ClientTxnId, TxnError> {
        self.tick(now);
        let txn = self.clients.get(id.0).ok_or(TxnError::UnknownTransaction)?;
        let ClientMachine::Invite(invite) = &txn.machine else {
            return Err(TxnError::NotInvite);
        };
        let held = match invite.state {
            ict::State::Calling => true,
            ict::State::Proceeding => false,
            _ => return Err(TxnError::AlreadyFinal),
        };
        if let Some((cancel, _)) = invite.cancel {
            return Ok(cancel);
        }
        let request = build_cancel(&invite.request).ok_or(TxnError::BadRequestUri)?;
        let key = txn.key.with_method(Method::Cancel);
        if self.client_keys.contains_key(&key) {
            return Err(TxnError::DuplicateBranch);
        }
        let target = txn.target;
        let mut nict = Nict::new(request.to_bytes());
        nict.cancels = Some(id);
        let cancel = self.insert_client(key, target, ClientMachine::NonInvite(nict));
        if let Some(ClientTxn {
            machine: ClientMachine::Invite(invite),
            ..
        }) = self.clients.get_mut(id.0)
        {
            invite.cancel = Some((cancel, held));
        }
        if !held {
            self.step_client(now, cancel, client::Stimulus::Start);
        }
        Ok(cancel)
    }

    /// Reports that the transport could not send to `destination` (an
    /// ICMP unreachable, a refused or broken connection): every transaction
    /// whose messages go there fails (RFC 3261 sections 17.1.4 and 17.2.4)
    /// with [`TxnEvent::TransportError`].
    pub fn transport_error(&mut self, now: Instant, destination: SocketAddr, transport: Transport) {
        self.tick(now);
        let Some(ids) = self.dests.get(&(transport, destination)) else {
            return;
        };
        let ids: Vec<TxnId> = ids.iter().copied().collect();
        for id in ids {
            match id {
                TxnId::Client(c) => self.step_client(now, c, client::Stimulus::TransportError),
                TxnId::Server(s) => {
                    let _ = self.step_server(now, s, server::Stimulus::TransportError);
                }
            }
        }
    }

    /// The next thing to do: a transmit, an event, or (nothing queued) the
    /// next deadline or `Idle`. Call it after every mutation until it
    /// returns `Timeout` or `Idle`.
    pub fn poll_output(&mut self) -> Output {
        if let Some(o) = self.out.pop_front() {
            return o;
        }
        match self.timers.next() {
            Some(at) => Output::Timeout(at),
            None => Output::Idle,
        }
    }

    fn step_client(&mut self, now: Instant, id: ClientTxnId, stimulus: client::Stimulus) {
        let Some(txn) = self.clients.get_mut(id.0) else {
            return;
        };
        let ClientTxn {
            target,
            timers: table,
            machine,
            ..
        } = txn;
        let mut ctx = Ctx {
            now,
            cfg: &self.cfg,
            id: TxnId::Client(id),
            target: *target,
            out: &mut self.out,
            timers: &mut self.timers,
            table,
            dests: &mut self.dests,
        };
        // A held CANCEL is released by the first provisional response and
        // dropped when the INVITE ends without one (section 9.1).
        let mut release = None;
        let mut drop_held = None;
        match machine {
            ClientMachine::Invite(m) => {
                let before = m.state;
                m.step(&mut ctx, stimulus);
                if let Some((cancel, true)) = m.cancel {
                    if before == ict::State::Calling && m.state == ict::State::Proceeding {
                        m.cancel = Some((cancel, false));
                        release = Some(cancel);
                    } else if m.state != ict::State::Calling {
                        m.cancel = None;
                        drop_held = Some(cancel);
                    }
                }
            }
            ClientMachine::NonInvite(m) => m.step(&mut ctx, stimulus),
        }
        let terminated = machine.is_terminated();
        if let Some(cancel) = release {
            self.step_client(now, cancel, client::Stimulus::Start);
        }
        if let Some(cancel) = drop_held {
            self.remove_client(cancel);
        }
        if terminated {
            self.remove_client(id);
        }
    }

    fn step_server(
        &mut self,
        now: Instant,
        id: ServerTxnId,
        stimulus: server::Stimulus,
    ) -> Result<(), TxnError> {
        let txn = self
            .servers
            .get_mut(id.0)
            .ok_or(TxnError::UnknownTransaction)?;
        let ServerTxn {
            reply,
            timers: table,
            machine,
            ..
        } = txn;
        let mut ctx = Ctx {
            now,
            cfg: &self.cfg,
            id: TxnId::Server(id),
            target: *reply,
            out: &mut self.out,
            timers: &mut self.timers,
            table,
            dests: &mut self.dests,
        };
        let result = match machine {
            ServerMachine::Invite(m) => m.step(&mut ctx, stimulus),
            ServerMachine::NonInvite(m) => m.step(&mut ctx, stimulus),
        };
        if machine.is_terminated() {
            self.remove_server(id);
        }
        result
    }

    fn unindex(&mut self, target: Target, id: TxnId) {
        let key = (target.transport, target.addr);
        if let Some(set) = self.dests.get_mut(&key) {
            set.remove(&id);
            if set.is_empty() {
                self.dests.remove(&key);
            }
        }
    }

    fn remove_client(&mut self, id: ClientTxnId) {
        let Some(mut txn) = self.clients.remove(id.0) else {
            return;
        };
        let tid = TxnId::Client(id);
        self.timers.stop_all(&mut txn.timers, tid);
        if self.client_keys.get(&txn.key) == Some(&id) {
            self.client_keys.remove(&txn.key);
        }
        self.unindex(txn.target, tid);
        self.out
            .push_back(Output::Event(TxnEvent::Terminated { id: tid }));
        match txn.machine {
            ClientMachine::Invite(ict) => {
                if let Some((cancel, true)) = ict.cancel {
                    self.remove_client(cancel);
                }
            }
            ClientMachine::NonInvite(Nict {
                cancels: Some(invite),
                ..
            }) => {
                if let Some(ClientTxn {
                    machine: ClientMachine::Invite(m),
                    ..
                }) = self.clients.get_mut(invite.0)
                {
                    if m.cancel.is_some_and(|(c, _)| c == id) {
                        m.cancel = None;
                    }
                }
            }
            _ => {}
        }
    }

    fn remove_server(&mut self, id: ServerTxnId) {
        let Some(mut txn) = self.servers.remove(id.0) else {
            return;
        };
        let tid = TxnId::Server(id);
        self.timers.stop_all(&mut txn.timers, tid);
        if self.server_keys.get(&txn.key) == Some(&id) {
            self.server_keys.remove(&txn.key);
        }
        self.unindex(txn.reply, tid);
        self.out
            .push_back(Output::Event(TxnEvent::Terminated { id: tid }));
    }

    /// The armed deadline of `kind` on transaction `id` (for tests).
    #[doc(hidden)]
    pub fn deadline(&self, id: TxnId, kind: TimerKind) -> Option<Instant> {
        match id {
            TxnId::Client(c) => self.clients.get(c.0)?.timers.get(kind),
            TxnId::Server(s) => self.servers.get(s.0)?.timers.get(kind),
        }
    }
}
