//! The one background thread of a context: it alone owns the UA core and
//! the sockets (no shared state, so no `eXosip_lock`). Loop: poll the
//! sockets until the next deadline, feed what arrived, run commands,
//! drain the core's output (STYLE.md section 5).

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use sip_parser::{Message, Transport};
use sip_transport::{Poller, TransportEvent};

use crate::command::Command;
use crate::core::{Input, Output, Ua};
use crate::event::Event;

/// Which way a message went, for message observers (ladder diagrams).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// We sent it.
    Sent,
    /// We received it.
    Received,
}

/// A callback that sees every message sent or received (on the worker thread).
pub type MessageObserver = Box<dyn FnMut(Direction, &Message, SocketAddr) + Send>;

/// The event queue shared with the application.
#[derive(Default)]
pub(crate) struct EventQueue {
    pub(crate) events: Mutex<VecDeque<Event>>,
    pub(crate) ready: Condvar,
}

impl EventQueue {
    pub(crate) fn push(&self, e: Event) {
        let mut q = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        q.push_back(e);
        self.ready.notify_one();
    }

    pub(crate) fn pop(&self) -> Option<Event> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop_front()
    }

    pub(crate) fn wait(&self, timeout: Duration) -> Option<Event> {
        let deadline = Instant::now() + timeout;
        let mut q = self
            .events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loop {
            if let Some(e) = q.pop_front() {
                return Some(e);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            q = self
                .ready
                .wait_timeout(q, left)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

/// The worker's state: the UA core, the poller, the queue.
pub(crate) struct Worker {
    pub(crate) ua: Ua,
    pub(crate) poller: Poller,
    pub(crate) queue: Arc<EventQueue>,
    pub(crate) observer: Option<MessageObserver>,
    deadline: Option<Instant>,
}

impl Worker {
    pub(crate) fn new(ua: Ua, poller: Poller, queue: Arc<EventQueue>) -> Self {
        Self {
            ua,
            poller,
            queue,
            observer: None,
            deadline: None,
        }
    }

    /// The UA core (for commands).
    pub(crate) fn ua(&mut self) -> &mut Ua {
        &mut self.ua
    }

    /// Runs until `Quit` or until every sender is gone.
    pub(crate) fn run(mut self, rx: Receiver<Command>) {
        loop {
            let now = Instant::now();
            let next = [self.deadline, self.poller.poll_timeout()]
                .into_iter()
                .flatten()
                .min();
            let timeout = next.map(|d| d.saturating_duration_since(now));
            if let Err(e) = self.poller.poll(timeout) {
                tracing::warn!(%e, "poll failed");
            }
            let now = Instant::now();
            self.poller.handle_timeout(now);
            while let Some(ev) = self.poller.poll_event() {
                self.on_transport_event(now, ev);
            }
            loop {
                match rx.try_recv() {
                    Ok(Command::Run(f)) => f(&mut self),
                    Ok(Command::Quit) | Err(TryRecvError::Disconnected) => return,
                    Err(TryRecvError::Empty) => break,
                }
            }
            self.ua.handle_input(Input::Timeout(Instant::now()));
            self.drain();
        }
    }

    fn on_transport_event(&mut self, now: Instant, ev: TransportEvent) {
        match ev {
            TransportEvent::Received {
                now: at,
                transport,
                from,
                local,
                msg,
            } => {
                if let Some(o) = self.observer.as_mut() {
                    o(Direction::Received, &msg, from);
                }
                self.ua.handle_input(Input::Receive(sip_txn::Received {
                    now: at,
                    transport,
                    from,
                    local,
                    msg,
                }));
            }
            TransportEvent::BadMessage {
                transport,
                from,
                error,
                reply_400,
                ..
            } => {
                tracing::debug!(%error, %from, "bad message");
                if let Some(bytes) = reply_400 {
                    self.poller.send(now, transport, from, bytes);
                }
            }
            TransportEvent::Error {
                transport,
                destination,
                error,
            } => {
                tracing::debug!(%error, %destination, "transport error");
                self.ua.handle_input(Input::TransportError {
                    now,
                    transport,
                    destination,
                });
            }
            _ => {}
        }
    }

    /// Sends every transmit, queues every event, keeps the next deadline.
    pub(crate) fn drain(&mut self) {
        let now = Instant::now();
        loop {
            match self.ua.poll_output() {
                Output::Transmit(t) => {
                    if let Some(o) = self.observer.as_mut() {
                        if let Ok(m) = Message::parse(t.bytes.clone()) {
                            o(Direction::Sent, &m, t.destination);
                        }
                    }
                    self.poller.send(now, t.transport, t.destination, t.bytes);
                }
                Output::Event(e) => self.queue.push(e),
                Output::Timeout(t) => {
                    self.deadline = Some(t);
                    return;
                }
                Output::Idle => {
                    self.deadline = None;
                    return;
                }
            }
        }
    }

    /// Listens on `transport` at `addr` and declares the socket to the UA core.
    pub(crate) fn listen(
        &mut self,
        transport: Transport,
        addr: SocketAddr,
    ) -> crate::Result<SocketAddr> {
        let (_, bound) = self
            .poller
            .listen(transport, addr)
            .map_err(|e| crate::Error::Transport(e.to_string()))?;
        self.declare(transport, bound);
        Ok(bound)
    }

    /// Uses a socket the application bound (`eXosip_set_socket`).
    pub(crate) fn listen_udp_socket(
        &mut self,
        socket: std::net::UdpSocket,
    ) -> crate::Result<SocketAddr> {
        let (_, bound) = self
            .poller
            .listen_udp_socket(socket)
            .map_err(|e| crate::Error::Transport(e.to_string()))?;
        self.declare(Transport::Udp, bound);
        Ok(bound)
    }

    fn declare(&mut self, transport: Transport, bound: SocketAddr) {
        let advertised = if bound.ip().is_unspecified() {
            let probe: SocketAddr = if bound.is_ipv6() {
                "[2001:db8::1]:5060".parse().expect("literal")
            } else {
                "192.0.2.1:5060".parse().expect("literal")
            };
            let ip = sip_transport::local_ip_for(probe).unwrap_or_else(|| {
                if bound.is_ipv6() {
                    "::1".parse().expect("literal")
                } else {
                    "127.0.0.1".parse().expect("literal")
                }
            });
            SocketAddr::new(ip, bound.port())
        } else {
            bound
        };
        self.ua.add_listener(transport, advertised);
    }
}
