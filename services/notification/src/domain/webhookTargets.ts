import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not point (server-side request forgery): loopback, private, link-local
 * (cloud metadata endpoints live there), carrier-grade NAT, benchmark, multicast, reserved and
 * unspecified addresses, IPv4 and IPv6, IPv4-mapped IPv6 included. Only a deployment whose
 * receivers are on such addresses (a local run, the tests) allows them
 * (`NOTIFY_WEBHOOK_ALLOW_PRIVATE=true`).
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
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Why a webhook may not be sent to this address, or null when it is a public one. */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1] : undefined;
  if (mapped) return blockedAddressReason(mapped);
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6') ? `${address} is a loopback, private, link-local or reserved address` : null;
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
