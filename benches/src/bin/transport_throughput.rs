//! `transport_throughput [COUNT]`: messages per second received, framed
//! and parsed by one `sip_transport::Poller` on one thread over loopback.
//!
//! - UDP: a sender thread sends COUNT (default 200,000) copies of a
//!   typical ~600-byte INVITE (with `;rport`, so RFC 3581 `received` /
//!   `rport` are filled on each) to a UDP listener; the sender keeps at
//!   most a window of datagrams in flight so the socket buffer does not
//!   overflow and the figure measures the receiver, not losses.
//! - TCP: a sender thread writes COUNT copies over one connection in 64 KiB
//!   writes; the poller frames (Content-Length) and parses them.
//!
//! Prints last `transport_throughput udp_msgs_per_s=N tcp_msgs_per_s=M
//! udp_dropped=K`.

use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use sip_transport::{Poller, Transport, TransportConfig, TransportEvent};

/// Datagrams the UDP sender may have in flight beyond what was received.
const WINDOW: u64 = 512;
/// A run ends when nothing arrived for this long.
const QUIET: Duration = Duration::from_millis(500);

/// A typical INVITE with SDP, about 600 bytes.
fn invite(sent_by: SocketAddr, transport: &str) -> Vec<u8> {
    let sdp = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\n\
               t=0 0\r\nm=audio 49172 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
    format!(
        "INVITE sip:bob@example.com SIP/2.0\r\n\
         Via: SIP/2.0/{transport} {sent_by};rport;branch=z9hG4bK776asdhds\r\n\
         Max-Forwards: 70\r\n\
         To: Bob <sip:bob@example.com>\r\n\
         From: Alice <sip:alice@example.com>;tag=1928301774\r\n\
         Call-ID: a84b4c76e66710@pc33.example.com\r\n\
         CSeq: 314159 INVITE\r\n\
         Contact: <sip:alice@{sent_by}>\r\n\
         User-Agent: transport-throughput\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
    .into_bytes()
}

/// Polls until `count` messages arrived or nothing came for [`QUIET`];
/// returns how many arrived and the time from the first to the last.
fn receive(
    poller: &mut Poller,
    count: u64,
    progress: &AtomicU64,
) -> Result<(u64, Duration), String> {
    let mut got = 0u64;
    let mut first = None;
    let mut last = Instant::now();
    let mut quiet_since = Instant::now();
    while got < count && quiet_since.elapsed() < QUIET {
        poller
            .poll(Some(Duration::from_millis(50)))
            .map_err(|e| e.to_string())?;
        let before = got;
        while let Some(e) = poller.poll_event() {
            match e {
                TransportEvent::Received { msg, .. } => {
                    std::hint::black_box(msg.branch());
                    got += 1;
                }
                other => return Err(format!("unexpected event {other:?}")),
            }
        }
        if got > before {
            let now = Instant::now();
            first.get_or_insert(now);
            last = now;
            quiet_since = now;
            progress.store(got, Ordering::Release);
        }
    }
    Ok((
        got,
        first.map_or(Duration::ZERO, |f| last.duration_since(f)),
    ))
}

fn udp_run(count: u64) -> Result<(f64, u64), String> {
    let config = TransportConfig {
        recv_buffer: Some(4 << 20),
        ..TransportConfig::default()
    };
    let mut poller = Poller::new(config).map_err(|e| e.to_string())?;
    let (_, addr) = poller
        .listen(Transport::Udp, "127.0.0.1:0".parse().unwrap())
        .map_err(|e| e.to_string())?;
    let progress = Arc::new(AtomicU64::new(0));
    let sender = {
        let progress = Arc::clone(&progress);
        thread::spawn(move || -> std::io::Result<()> {
            let socket = UdpSocket::bind("127.0.0.1:0")?;
            let msg = invite(socket.local_addr()?, "UDP");
            for sent in 0..count {
                while sent >= progress.load(Ordering::Acquire) + WINDOW {
                    thread::yield_now();
                }
                socket.send_to(&msg, addr)?;
            }
            Ok(())
        })
    };
    let (got, elapsed) = receive(&mut poller, count, &progress)?;
    sender
        .join()
        .map_err(|_| "sender panicked")?
        .map_err(|e| e.to_string())?;
    Ok((got as f64 / elapsed.as_secs_f64().max(1e-9), count - got))
}

fn tcp_run(count: u64) -> Result<f64, String> {
    let mut poller = Poller::new(TransportConfig::default()).map_err(|e| e.to_string())?;
    let (_, addr) = poller
        .listen(Transport::Tcp, "127.0.0.1:0".parse().unwrap())
        .map_err(|e| e.to_string())?;
    let progress = AtomicU64::new(0);
    let sender = thread::spawn(move || -> std::io::Result<()> {
        let mut stream = TcpStream::connect(addr)?;
        let msg = invite(stream.local_addr()?, "TCP");
        let per_write = (65_536 / msg.len()).max(1);
        let batch: Vec<u8> = msg
            .iter()
            .copied()
            .cycle()
            .take(msg.len() * per_write)
            .collect();
        let mut sent = 0u64;
        while sent < count {
            let n = (per_write as u64).min(count - sent);
            stream.write_all(&batch[..msg.len() * n as usize])?;
            sent += n;
        }
        stream.flush()
    });
    let (got, elapsed) = receive(&mut poller, count, &progress)?;
    sender
        .join()
        .map_err(|_| "sender panicked")?
        .map_err(|e| e.to_string())?;
    if got != count {
        return Err(format!("TCP: {got} of {count} messages arrived"));
    }
    Ok(got as f64 / elapsed.as_secs_f64().max(1e-9))
}

fn main() -> ExitCode {
    let count = match std::env::args().nth(1).map(|s| s.parse::<u64>()) {
        None => 200_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: transport_throughput [COUNT]");
            return ExitCode::from(2);
        }
    };
    let (udp, dropped) = match udp_run(count) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("UDP run failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let tcp = match tcp_run(count) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("TCP run failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "transport_throughput udp_msgs_per_s={udp:.0} tcp_msgs_per_s={tcp:.0} udp_dropped={dropped}"
    );
    ExitCode::SUCCESS
}
