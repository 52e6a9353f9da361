//! Which IP addresses a webhook may point at: only public ones.
//!
//! Checked strictly against the IANA IPv4 and IPv6 Special-Purpose Address
//! Registries (every entry is refused, whether or not IANA marks it
//! globally reachable: none is a webhook receiver) and the multicast
//! blocks. IPv6 must also lie in global unicast `2000::/3`. Addresses that
//! carry an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`, 6to4
//! `2002::/16`, Teredo `2001::/32`) are judged by the IPv4 they carry, so
//! `::ffff:127.0.0.1` is loopback.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why `address` is not a public address, or `None` when it is.
#[must_use]
pub fn non_public_reason(address: IpAddr) -> Option<&'static str> {
    match address {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

/// `true` when `address` is a public unicast address a webhook may target.
#[must_use]
pub fn is_public(address: IpAddr) -> bool {
    non_public_reason(address).is_none()
}

/// IPv4 blocks: (network, prefix length, what it is).
const V4_BLOCKS: &[([u8; 4], u8, &str)] = &[
    ([0, 0, 0, 0], 8, "\"this network\" (0.0.0.0/8)"),
    ([10, 0, 0, 0], 8, "private (10.0.0.0/8)"),
    (
        [100, 64, 0, 0],
        10,
        "shared address space, CGNAT (100.64.0.0/10)",
    ),
    ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
    ([169, 254, 0, 0], 16, "link-local (169.254.0.0/16)"),
    ([172, 16, 0, 0], 12, "private (172.16.0.0/12)"),
    (
        [192, 0, 0, 0],
        24,
        "IETF protocol assignments (192.0.0.0/24)",
    ),
    ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"),
    ([192, 31, 196, 0], 24, "AS112 (192.31.196.0/24)"),
    ([192, 52, 193, 0], 24, "AMT (192.52.193.0/24)"),
    ([192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99.0/24)"),
    ([192, 168, 0, 0], 16, "private (192.168.0.0/16)"),
    (
        [192, 175, 48, 0],
        24,
        "AS112 direct delegation (192.175.48.0/24)",
    ),
    ([198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"),
    ([198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"),
    ([203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"),
    ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"),
    ([240, 0, 0, 0], 4, "reserved (240.0.0.0/4)"),
];

fn v4_reason(address: Ipv4Addr) -> Option<&'static str> {
    let bits = u32::from(address);
    V4_BLOCKS.iter().find_map(|(network, prefix, what)| {
        let mask = u32::MAX << (32 - u32::from(*prefix));
        (bits & mask == u32::from_be_bytes(*network)).then_some(*what)
    })
}

/// IPv6 blocks inside `2000::/3` (everything outside it is refused first).
const V6_BLOCKS: &[(u128, u8, &str)] = &[
    (
        0x2001_0000 << 96,
        23,
        "IETF protocol assignments (2001::/23)",
    ),
    (0x2001_0db8 << 96, 32, "documentation (2001:db8::/32)"),
    (0x2620_004f_8000 << 80, 48, "AS112 (2620:4f:8000::/48)"),
    (0x3fff << 112, 20, "documentation (3fff::/20)"),
];

fn v6_reason(address: Ipv6Addr) -> Option<&'static str> {
    let bits = u128::from(address);
    let within = |network: u128, prefix: u32| bits & (u128::MAX << (128 - prefix)) == network;
    let embedded = |shift: u32| Ipv4Addr::from((bits >> shift) as u32);

    // The forms that carry an IPv4 address: the IPv4 decides.
    if within(0xffff << 32, 96) {
        return v4_reason(embedded(0)).map(|_| "IPv4-mapped, of a non-public IPv4 address");
    }
    if within(0x0064_ff9b << 96, 96) {
        return v4_reason(embedded(0)).map(|_| "NAT64, of a non-public IPv4 address");
    }
    if within(0x2002 << 112, 16) {
        return v4_reason(embedded(80)).map(|_| "6to4, of a non-public IPv4 address");
    }
    if within(0x2001_0000 << 96, 32) {
        // Teredo: the server's IPv4 in bits 32..64, the client's inverted
        // in the last 32 bits (RFC 4380).
        let client = Ipv4Addr::from(!(bits as u32));
        return (v4_reason(embedded(64)).is_some() || v4_reason(client).is_some())
            .then_some("Teredo, of a non-public IPv4 address");
    }

    if bits == 0 {
        return Some("unspecified (::)");
    }
    if bits == 1 {
        return Some("loopback (::1)");
    }
    if within(0xfc00 << 112, 7) {
        return Some("unique local (fc00::/7)");
    }
    if within(0xfe80 << 112, 10) {
        return Some("link-local (fe80::/10)");
    }
    if within(0xff00 << 112, 8) {
        return Some("multicast (ff00::/8)");
    }
    if !within(0x2000 << 112, 3) {
        return Some("not global unicast (outside 2000::/3)");
    }
    V6_BLOCKS
        .iter()
        .find_map(|(network, prefix, what)| within(*network, u32::from(*prefix)).then_some(*what))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(text: &str) -> bool {
        is_public(text.parse().unwrap())
    }

    #[test]
    fn every_ipv4_special_purpose_block_is_refused_at_both_ends() {
        for (network, prefix, _) in V4_BLOCKS {
            let first = u32::from_be_bytes(*network);
            let last = first | (u32::MAX >> u32::from(*prefix));
            assert!(!is_public(Ipv4Addr::from(first).into()), "{first:#x}");
            assert!(!is_public(Ipv4Addr::from(last).into()), "{last:#x}");
        }
        for refused in [
            "10.1.2.3",
            "100.64.0.1",
            "100.127.255.255",
            "127.0.0.1",
            "169.254.169.254",
            "172.31.255.255",
            "192.168.1.1",
            "198.19.0.1",
            "203.0.113.9",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "0.0.0.0",
        ] {
            assert!(!public(refused), "{refused}");
        }
    }

    #[test]
    fn public_ipv4_next_to_the_blocks_passes() {
        for accepted in [
            "1.1.1.1",
            "8.8.8.8",
            "9.255.255.255",
            "11.0.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
        ] {
            assert!(public(accepted), "{accepted}");
        }
    }

    #[test]
    fn ipv6_special_ranges_are_refused() {
        for refused in [
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "fec0::1",
            "100::1",
            "2001:db8::1",
            "2001:2::1",
            "2001:10::1",
            "3fff::1",
            "::10.0.0.1",
            "64:ff9b:1::1",
            "5f00::1",
        ] {
            assert!(!public(refused), "{refused}");
        }
        assert!(public("2606:4700:4700::1111"));
        assert!(public("2a00:1450:4001::1"));
    }

    #[test]
    fn embedded_ipv4_decides_for_mapped_nat64_6to4_and_teredo() {
        assert!(!public("::ffff:127.0.0.1"));
        assert!(!public("::ffff:10.0.0.1"));
        assert!(public("::ffff:8.8.8.8"));
        assert!(!public("64:ff9b::192.168.0.1"));
        assert!(!public("64:ff9b::a9fe:a9fe"));
        assert!(public("64:ff9b::8.8.8.8"));
        // 2002:7f00:0001:: carries 127.0.0.1.
        assert!(!public("2002:7f00:1::1"));
        assert!(!public("2002:c0a8:101::1"));
        assert!(public("2002:808:808::1"));
        // Teredo server 65.54.227.120, client 127.0.0.1 inverted (80ff:fffe).
        assert!(!public("2001:0:4136:e378:8000:63bf:80ff:fffe"));
        // Teredo server 10.0.0.1, public client 8.8.8.8 inverted (f7f7:f7f7).
        assert!(!public("2001:0:a00:1::f7f7:f7f7"));
        // Both public.
        assert!(public("2001:0:4136:e378:8000:63bf:f7f7:f7f7"));
    }
}
