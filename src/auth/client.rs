//! Who a request comes from, for rate limits and the session's `ipAddress`. Directly connected
//! clients are their socket address. Behind reverse proxies listed in `TRUSTED_PROXIES`, the client is
//! the right-most address in `X-Forwarded-For` that is not one of those proxies: every hop to its right
//! was added by a proxy we trust, while anything to its left may have been written by the client.
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};
use ipnet::IpNet;

use crate::AppState;

/// The reverse proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(ranges: &[IpNet]) -> Self {
        Self(ranges.to_vec())
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|range| range.contains(&ip))
    }

    /// The client behind a connection from `peer`: `peer` itself unless it is a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.contains(peer) {
            return canonical(peer);
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            // An unreadable hop ends the trusted chain: the last trusted hop is the best we know.
            let Some(ip) = parse_hop(hop) else { break };
            client = ip;
            if !self.contains(ip) {
                break;
            }
        }
        canonical(client)
    }
}

/// An `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    hop.parse::<IpAddr>().ok().or_else(|| hop.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) as the IPv4 address they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The key a client's requests are counted under: its address, or for IPv6 its /64 network (one
/// subscriber usually holds a whole /64, so single addresses would be free to rotate through).
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

/// The client's address, when the server was started with connect info (tests may not be).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The client of a request, resolved through the trusted proxies.
    pub fn of(parts_extensions: &axum::http::Extensions, headers: &HeaderMap, proxies: &TrustedProxies) -> Self {
        let peer = parts_extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip());
        ClientAddr(peer.map(|peer| proxies.client(peer, headers)))
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr::of(&parts.extensions, &parts.headers, &state.auth.proxies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards() {
        let proxies = TrustedProxies::default();
        assert_eq!(proxies.client(ip("203.0.113.9"), &forwarded("1.1.1.1")), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::new(&["127.0.0.1/32".parse().unwrap(), "10.0.0.0/8".parse().unwrap()]);
        let nginx = ip("127.0.0.1");
        assert_eq!(proxies.client(nginx, &forwarded("198.51.100.7")), ip("198.51.100.7"));
        // The client wrote "1.1.1.1" itself; nginx appended the address it saw.
        assert_eq!(proxies.client(nginx, &forwarded("1.1.1.1, 198.51.100.7")), ip("198.51.100.7"));
        assert_eq!(proxies.client(nginx, &forwarded("1.1.1.1, 198.51.100.7, 10.0.0.2")), ip("198.51.100.7"));
        assert_eq!(proxies.client(nginx, &HeaderMap::new()), nginx, "no header: the proxy is all we know");
        assert_eq!(proxies.client(nginx, &forwarded("garbage")), nginx);
        assert_eq!(proxies.client(ip("203.0.113.9"), &forwarded("1.1.1.1")), ip("203.0.113.9"), "untrusted peer");
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        assert_eq!(rate_key(ip("2001:db8:1:2:aaaa::1")), rate_key(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(rate_key(ip("2001:db8:1:2::1")), rate_key(ip("2001:db8:1:3::1")));
        assert_eq!(rate_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }
}
