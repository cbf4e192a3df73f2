//! Local address selection: which local IP a destination is reached from
//! (eXosip's `eXosip_guess_localip`), for Via sent-by and Contact
//! (RFC 3261 section 18.1.1 and 20.42).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

/// The local IP the system's routing table would use to reach
/// `destination`: a UDP socket is connected to it (which sends nothing)
/// and its local address read. `None` when there is no route.
pub fn local_ip_for(destination: SocketAddr) -> Option<IpAddr> {
    let any: SocketAddr = match destination {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(any).ok()?;
    socket.connect(destination).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_unspecified()).then_some(ip)
}

/// A listener's address as seen from `destination`: the listener's own IP,
/// or, when it is bound to the unspecified address, the routed local IP;
/// the listener's port either way.
pub(crate) fn listener_addr_for(
    listener: SocketAddr,
    destination: SocketAddr,
) -> Option<SocketAddr> {
    if !listener.ip().is_unspecified() {
        return Some(listener);
    }
    local_ip_for(destination).map(|ip| SocketAddr::new(ip, listener.port()))
}

/// Whether a listener bound to `listener` can send to / reach `destination`
/// (same address family).
pub(crate) fn same_family(listener: SocketAddr, destination: SocketAddr) -> bool {
    listener.is_ipv4() == destination.is_ipv4()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_routes_from_loopback() {
        let d: SocketAddr = "127.0.0.1:5060".parse().unwrap();
        assert_eq!(local_ip_for(d), Some(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        let l: SocketAddr = "0.0.0.0:5070".parse().unwrap();
        assert_eq!(
            listener_addr_for(l, d),
            Some("127.0.0.1:5070".parse().unwrap())
        );
        let l: SocketAddr = "127.0.0.1:5071".parse().unwrap();
        assert_eq!(listener_addr_for(l, d), Some(l));
        assert!(same_family(l, d) && !same_family("[::1]:1".parse().unwrap(), d));
    }
}
