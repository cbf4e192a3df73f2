//! The eXosip context (`struct eXosip_t`): options, sockets, the worker
//! thread and the event queue, and the call API of the eXosip manual as
//! methods that any thread may call (`Context` is `Send + Sync`; there is
//! no lock for the application to take).

use std::net::SocketAddr;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sip_parser::{Message, Method, Transport};
use sip_sdp::Session;
use sip_transport::{Poller, TransportConfig};

use crate::command::{Command, wait, with_reply};
use crate::config::Config;
use crate::core::Ua;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::ids::{CallId, DialogId, TransactionId};
use crate::worker::{EventQueue, MessageObserver, Worker};

/// A running SIP user agent (`eXosip_t` after `eXosip_init`).
///
/// ```no_run
/// use std::time::Duration;
/// use exosip::{Config, Context, EventKind};
/// use sip_parser::Transport;
///
/// let ctx = Context::start(Config::default())?;
/// let local = ctx.listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())?;
/// println!("listening on {local}");
/// while let Some(ev) = ctx.event_wait(Duration::from_secs(1)) {
///     if ev.kind == EventKind::CallInvite {
///         ctx.send_answer(ev.tid.unwrap(), 486, None)?;
///     }
/// }
/// ctx.quit();
/// # Ok::<(), exosip::Error>(())
/// ```
pub struct Context {
    tx: Mutex<Sender<Command>>,
    waker: Arc<mio::Waker>,
    queue: Arc<EventQueue>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl core::fmt::Debug for Context {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Context").finish_non_exhaustive()
    }
}

impl Context {
    /// Creates a context and starts its worker thread (`eXosip_init` plus
    /// the options of `eXosip_set_option`).
    pub fn start(config: Config) -> Result<Self> {
        let poller =
            Poller::new(TransportConfig::default()).map_err(|e| Error::Transport(e.to_string()))?;
        let waker = poller.waker();
        let queue = Arc::new(EventQueue::default());
        let ua = Ua::new(config, Instant::now());
        let worker = Worker::new(ua, poller, Arc::clone(&queue));
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("exosip-worker".into())
            .spawn(move || worker.run(rx))?;
        Ok(Self {
            tx: Mutex::new(tx),
            waker,
            queue,
            thread: Mutex::new(Some(thread)),
        })
    }

    fn post(&self, cmd: Command) -> Result<()> {
        self.tx
            .lock()
            .map_err(|_| Error::Closed)?
            .send(cmd)
            .map_err(|_| Error::Closed)?;
        self.waker.wake().map_err(Error::Io)
    }

    /// Runs `f` on the worker and returns its result.
    fn run<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Worker) -> R + Send + 'static,
    {
        let (cmd, rx) = with_reply(f);
        self.post(cmd)?;
        wait(&rx)
    }

    /// Runs `f` with the UA core and the current time; flattens its result.
    fn with_ua<R, F>(&self, f: F) -> Result<R>
    where
        R: Send + 'static,
        F: FnOnce(&mut Ua, Instant) -> Result<R> + Send + 'static,
    {
        self.run(move |w| f(w.ua(), Instant::now()))?
    }

    // ----- sockets -----------------------------------------------------

    /// Listens on `addr` over `transport` (`eXosip_listen_addr`); port 0
    /// picks a free port. Returns the bound address.
    pub fn listen(&self, transport: Transport, addr: SocketAddr) -> Result<SocketAddr> {
        self.run(move |w| w.listen(transport, addr))?
    }

    /// Uses a UDP socket the application bound (`eXosip_set_socket`).
    pub fn set_socket(&self, socket: std::net::UdpSocket) -> Result<SocketAddr> {
        self.run(move |w| w.listen_udp_socket(socket))?
    }

    /// Sees every message sent and received (for ladder diagrams and
    /// traces); the callback runs on the worker thread.
    pub fn set_message_observer(&self, observer: Option<MessageObserver>) -> Result<()> {
        self.run(move |w| w.observer = observer)
    }

    // ----- events ------------------------------------------------------

    /// Waits up to `timeout` for the next event (`eXosip_event_wait`).
    pub fn event_wait(&self, timeout: Duration) -> Option<Event> {
        self.queue.wait(timeout)
    }

    /// The next event if one is queued (`eXosip_event_get`, non-blocking).
    pub fn event_get(&self) -> Option<Event> {
        self.queue.pop()
    }

    /// Stops the worker: transactions in progress are dropped with their
    /// events, sockets closed, the thread joined (`eXosip_quit`). Also
    /// done on drop.
    pub fn quit(&self) {
        let _ = self.post(Command::Quit);
        let handle = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(h) = handle {
            let _ = h.join();
        }
        if let Ok(mut q) = self.queue.events.lock() {
            q.clear();
        }
    }

    // ----- calls -------------------------------------------------------

    /// `eXosip_call_build_initial_invite`: see [`Ua::build_initial_invite`].
    pub fn build_initial_invite(
        &self,
        to: &str,
        from: &str,
        route: Option<&str>,
        subject: Option<&str>,
    ) -> Result<Message> {
        let (to, from, route, subject) = (
            to.to_owned(),
            from.to_owned(),
            route.map(str::to_owned),
            subject.map(str::to_owned),
        );
        self.with_ua(move |ua, _| {
            ua.build_initial_invite(&to, &from, route.as_deref(), subject.as_deref())
        })
    }

    /// `eXosip_call_send_initial_invite`: returns the call id.
    pub fn send_initial_invite(&self, invite: Message) -> Result<CallId> {
        self.with_ua(move |ua, now| ua.send_initial_invite(now, invite))
    }

    /// `eXosip_call_build_answer`.
    pub fn build_answer(&self, tid: TransactionId, status: u16) -> Result<Message> {
        self.with_ua(move |ua, _| ua.build_answer(tid, status))
    }

    /// `eXosip_call_send_answer` (and `eXosip_message_send_answer`,
    /// `eXosip_options_send_answer`): `answer`, or one built with `status`.
    pub fn send_answer(
        &self,
        tid: TransactionId,
        status: u16,
        answer: Option<Message>,
    ) -> Result<()> {
        self.with_ua(move |ua, now| ua.send_answer(now, tid, status, answer))
    }

    /// `eXosip_call_build_ack` (by dialog: the ACK of its last INVITE 2xx).
    pub fn build_ack(&self, did: DialogId) -> Result<Message> {
        self.with_ua(move |ua, _| ua.build_ack(did))
    }

    /// `eXosip_call_send_ack`: `ack`, or one built for dialog `did`.
    pub fn send_ack(&self, did: DialogId, ack: Option<Message>) -> Result<()> {
        self.with_ua(move |ua, now| ua.send_ack(now, did, ack))
    }

    /// `eXosip_call_build_request` (re-INVITE, UPDATE, INFO, OPTIONS, REFER, NOTIFY, MESSAGE...).
    pub fn build_request(&self, did: DialogId, method: Method) -> Result<Message> {
        self.with_ua(move |ua, _| ua.build_request(did, method))
    }

    /// `eXosip_call_send_request`: returns the transaction id.
    pub fn send_request(&self, did: DialogId, request: Message) -> Result<TransactionId> {
        self.with_ua(move |ua, now| ua.send_request(now, did, request))
    }

    /// `eXosip_call_terminate`: CANCEL, 603 or BYE as the state requires.
    pub fn terminate(&self, cid: CallId, did: Option<DialogId>) -> Result<()> {
        self.with_ua(move |ua, now| ua.terminate(now, cid, did))
    }

    /// `eXosip_call_terminate_with_reason`: [`Context::terminate`] with a
    /// `Reason` header (RFC 3326) on the CANCEL, BYE or 603.
    pub fn terminate_with_reason(
        &self,
        cid: CallId,
        did: Option<DialogId>,
        reason: &str,
    ) -> Result<()> {
        let reason = reason.to_owned();
        self.with_ua(move |ua, now| ua.terminate_with_reason(now, cid, did, &reason))
    }

    /// `eXosip_call_build_prack`: the PRACK for the last reliable
    /// provisional response in dialog `did` (RFC 3262). Only needed with
    /// automatic actions off.
    pub fn build_prack(&self, did: DialogId) -> Result<Message> {
        self.with_ua(move |ua, _| ua.build_prack(did))
    }

    /// `eXosip_call_send_prack`: returns the PRACK's transaction id.
    pub fn send_prack(&self, did: DialogId, prack: Message) -> Result<TransactionId> {
        self.with_ua(move |ua, now| ua.send_prack(now, did, prack))
    }

    /// `eXosip_call_build_refer`: a REFER with `Refer-To: refer_to` in
    /// dialog `did` (RFC 3515); send it with [`Context::send_request`].
    pub fn build_refer(&self, did: DialogId, refer_to: &str) -> Result<Message> {
        let refer_to = refer_to.to_owned();
        self.with_ua(move |ua, _| ua.build_refer(did, &refer_to))
    }

    /// `eXosip_transfer_send_notify`: NOTIFY (`Event: refer`,
    /// `Subscription-State`, `message/sipfrag` body) for the REFER
    /// received in dialog `did`.
    pub fn transfer_send_notify(
        &self,
        did: DialogId,
        subscription_state: &str,
        sipfrag: &str,
    ) -> Result<TransactionId> {
        let (state, frag) = (subscription_state.to_owned(), sipfrag.to_owned());
        self.with_ua(move |ua, now| ua.transfer_send_notify(now, did, &state, &frag))
    }

    /// The Refer-To (URI and Replaces) of the REFER received in dialog
    /// `did`: see [`Ua::refer_to`].
    pub fn refer_to(&self, did: DialogId) -> Result<Option<crate::ReferTo>> {
        self.with_ua(move |ua, _| Ok(ua.refer_to(did)))
    }

    /// `eXosip_call_get_referto`: the Refer-To value (peer URI with
    /// `?Replaces=`) for an attended transfer replacing dialog `did`
    /// (RFC 3891); see [`Ua::replacing_refer_to`].
    pub fn replacing_refer_to(&self, did: DialogId) -> Result<String> {
        self.with_ua(move |ua, _| ua.replacing_refer_to(did))
    }

    /// `eXosip_call_find_by_replaces`: see [`Ua::find_by_replaces`].
    pub fn find_by_replaces(
        &self,
        call_id: &str,
        to_tag: &str,
        from_tag: &str,
        early_only: bool,
    ) -> Result<Option<(CallId, DialogId)>> {
        let (c, t, f) = (call_id.to_owned(), to_tag.to_owned(), from_tag.to_owned());
        self.with_ua(move |ua, _| Ok(ua.find_by_replaces(&c, &t, &f, early_only)))
    }

    /// `eXosip_call_set_reference`.
    pub fn set_reference(&self, cid: CallId, reference: Option<u64>) -> Result<()> {
        self.with_ua(move |ua, _| ua.set_reference(cid, reference))
    }

    /// `eXosip_call_get_reference`.
    pub fn reference(&self, cid: CallId) -> Result<Option<u64>> {
        self.with_ua(move |ua, _| Ok(ua.reference(cid)))
    }

    /// `eXosip_get_remote_sdp`.
    pub fn remote_sdp(&self, did: DialogId) -> Result<Option<Session>> {
        self.with_ua(move |ua, _| Ok(ua.remote_sdp(did)))
    }

    /// `eXosip_get_local_sdp`.
    pub fn local_sdp(&self, did: DialogId) -> Result<Option<Session>> {
        self.with_ua(move |ua, _| Ok(ua.local_sdp(did)))
    }

    /// `eXosip_get_remote_sdp_from_tid`.
    pub fn remote_sdp_from_tid(&self, tid: TransactionId) -> Result<Option<Session>> {
        self.with_ua(move |ua, _| Ok(ua.remote_sdp_from_tid(tid)))
    }

    /// `eXosip_get_local_sdp_from_tid`.
    pub fn local_sdp_from_tid(&self, tid: TransactionId) -> Result<Option<Session>> {
        self.with_ua(move |ua, _| Ok(ua.local_sdp_from_tid(tid)))
    }

    /// The local addresses the UA advertises (after `listen`).
    pub fn local_addrs(&self) -> Result<Vec<(Transport, SocketAddr)>> {
        self.with_ua(move |ua, _| Ok(ua.listeners().to_vec()))
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        self.quit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_send_and_sync() {
        fn both<T: Send + Sync>() {}
        both::<Context>();
    }
}
