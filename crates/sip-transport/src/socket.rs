//! Socket creation with socket2: reuse-addr, v6-only, buffer sizes and
//! DSCP, then handed to mio (eXosip `eXosip_listen_addr` options).

use std::io;
use std::net::SocketAddr;

use socket2::{Domain, Protocol, SockRef, Socket, Type};

use crate::config::TransportConfig;

/// A new non-blocking socket of `ty` for `addr`'s family, bound to `addr`
/// with the listener options of `cfg`.
fn bound(addr: SocketAddr, ty: Type, proto: Protocol, cfg: &TransportConfig) -> io::Result<Socket> {
    let socket = Socket::new(Domain::for_address(addr), ty, Some(proto))?;
    if addr.is_ipv6() {
        socket.set_only_v6(cfg.ipv6_only)?;
    }
    if cfg.reuse_addr {
        socket.set_reuse_address(true)?;
    }
    apply_options(&SockRef::from(&socket), addr, cfg)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket)
}

/// Buffer sizes and DSCP on any socket (listener, accepted or connected).
pub(crate) fn apply_options(
    socket: &SockRef<'_>,
    addr: SocketAddr,
    cfg: &TransportConfig,
) -> io::Result<()> {
    if let Some(n) = cfg.recv_buffer {
        socket.set_recv_buffer_size(n)?;
    }
    if let Some(n) = cfg.send_buffer {
        socket.set_send_buffer_size(n)?;
    }
    if let Some(dscp) = cfg.dscp {
        // DSCP is the top six bits of the TOS / traffic class octet (RFC 2474).
        let tos = u32::from(dscp & 0x3f) << 2;
        if addr.is_ipv6() {
            socket.set_tclass_v6(tos)?;
        } else {
            socket.set_tos_v4(tos)?;
        }
    }
    Ok(())
}

/// A bound UDP socket for mio.
pub(crate) fn udp(addr: SocketAddr, cfg: &TransportConfig) -> io::Result<mio::net::UdpSocket> {
    let socket = bound(addr, Type::DGRAM, Protocol::UDP, cfg)?;
    Ok(mio::net::UdpSocket::from_std(socket.into()))
}

/// A listening TCP socket for mio.
pub(crate) fn tcp_listener(
    addr: SocketAddr,
    cfg: &TransportConfig,
) -> io::Result<mio::net::TcpListener> {
    let socket = bound(addr, Type::STREAM, Protocol::TCP, cfg)?;
    socket.listen(1024)?;
    Ok(mio::net::TcpListener::from_std(socket.into()))
}

/// Options for a connected or accepted stream: no Nagle delay (SIP
/// messages are small and latency-bound), plus buffers and DSCP.
pub(crate) fn stream_options(
    stream: &mio::net::TcpStream,
    peer: SocketAddr,
    cfg: &TransportConfig,
) -> io::Result<()> {
    stream.set_nodelay(true)?;
    apply_options(&SockRef::from(stream), peer, cfg)
}
