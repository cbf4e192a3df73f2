//! UDP and TCP over ::1 (RFC 5118 addresses in Via); skipped when IPv6 is
//! unavailable.

mod support;

use std::time::Instant;

use bytes::Bytes;
use sip_transport::{Transport, TransportEvent};
use support::*;

#[test]
fn udp_and_tcp_over_ipv6_loopback() {
    if !ipv6_available() {
        eprintln!("IPv6 loopback unavailable: skipped");
        return;
    }
    let mut a = poller();
    let (_, a_udp) = a.listen(Transport::Udp, v6()).unwrap();
    let mut b = poller();
    let (_, b_udp) = b.listen(Transport::Udp, v6()).unwrap();
    let (_, b_tcp) = b.listen(Transport::Tcp, v6()).unwrap();
    // Both families at once: an IPv4 listener next to the IPv6 ones.
    let (_, b_v4) = b.listen(Transport::Udp, v4()).unwrap();
    assert!(b_v4.is_ipv4() && b_udp.is_ipv6());
    let now = Instant::now();
    let wire = request("OPTIONS", "z9hG4bK6u", "[2001:db8::1]:5060", "UDP", 0);
    a.send(now, Transport::Udp, b_udp, Bytes::from(wire));
    let wire = request("OPTIONS", "z9hG4bK6t", "[::1]", "TCP", 0);
    a.send(now, Transport::Tcp, b_tcp, Bytes::from(wire));
    let got = drive(&mut [&mut a, &mut b], |g| g[1].len() >= 2);
    let msgs = received(&got[1]);
    assert_eq!(msgs.len(), 2, "{got:?}");
    for (t, from, m) in &msgs {
        assert!(from.is_ipv6());
        match t {
            Transport::Udp => {
                assert_eq!(*from, a_udp);
                let v = format!(
                    "SIP/2.0/UDP [2001:db8::1]:5060;rport={};branch=z9hG4bK6u;received=::1",
                    a_udp.port()
                );
                assert_eq!(m.top_via(), Some(v.as_bytes()));
            }
            _ => {
                let v = format!(
                    "SIP/2.0/TCP [::1];rport={};branch=z9hG4bK6t;received=::1",
                    from.port()
                );
                assert_eq!(m.top_via(), Some(v.as_bytes()));
            }
        }
    }
    // Answer the UDP one per RFC 3581 (received/rport): it reaches A.
    let (_, from, req) = msgs.iter().find(|(t, _, _)| *t == Transport::Udp).unwrap();
    let reply = sip_parser::Message::response_to(req, 200, Some("t"));
    b.send_response(now, Transport::Udp, *from, &reply);
    let got = drive(&mut [&mut a, &mut b], |g| !g[0].is_empty());
    assert!(
        matches!(&got[0][0], TransportEvent::Received { msg, .. } if msg.status() == Some(200)),
        "{got:?}"
    );
    assert_eq!(a.local_addr_for(Transport::Udp, b_udp), Some(a_udp));
}
