import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not point (server-side request forgery): loopback, private, link-local
 * (cloud metadata endpoints live there), carrier-grade NAT, benchmark, multicast, reserved and
 * unspecified addresses, IPv4 and IPv6, IPv4-mapped IPv6 included (node's BlockList checks
 * `::ffff:a.b.c.d`, in any notation, against the IPv4 ranges). Only a deployment whose receivers
 * are on such addresses (a local run, the tests) allows them (`NOTIFY_WEBHOOK_ALLOW_PRIVATE=true`).
 */
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/**
 * IPv6 ranges that carry an IPv4 address inside them, so that a host or a router on the way
 * reaches that IPv4 address (which may be an internal one) whatever the IPv6 address looks like:
 * refused whole, as no webhook receiver needs them.
 */
const embedding = new BlockList();
for (const [net, prefix] of [
  ['::', 96], // IPv4-compatible (deprecated, RFC 4291 2.5.5.1): [::127.0.0.1]; the unspecified address too
  ['::ffff:0:0:0', 96], // IPv4-translated (RFC 2765)
  ['64:ff9b::', 96], // NAT64, well-known prefix (RFC 6052)
  ['64:ff9b:1::', 48], // NAT64, local-use prefix (RFC 8215)
  ['2001::', 32], // Teredo (RFC 4380)
  ['2002::', 16], // 6to4 (RFC 3056)
] as const) {
  embedding.addSubnet(net, prefix, 'ipv6');
}

/** Why a webhook may not be sent to this address, or null when it is a public one. */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped) return blockedAddressReason(mapped);
  if (blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')) return `${address} is a loopback, private, link-local or reserved address`;
  return family === 6 && embedding.check(address, 'ipv6') ? `${address} is an IPv6 address that embeds an IPv4 address (IPv4-compatible, IPv4-translated, NAT64, 6to4 or Teredo)` : null;
}

/** A webhook URL whose host is itself such an address (a name is checked when it is resolved, at each delivery). */
export function blockedUrlReason(url: string): string | null {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  } catch {
    return 'is not a URL';
  }
  return isIP(host) ? blockedAddressReason(host) : null;
}
