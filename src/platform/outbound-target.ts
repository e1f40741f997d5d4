import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';

// The one SSRF guard for URLs Liaison calls on a partner's behalf (webhooks): checked when the
// URL is saved and again before every send, after DNS resolution, and the connection goes to
// the address checked here, so a name that resolves elsewhere the second time (DNS rebinding)
// cannot move it.

/** A URL refused, with the reason in words a partner can act on. */
export class TargetRefused extends Error {}

export interface OutboundTarget {
  url: URL;
  /** The address checked: connect to this one, not to a new resolution of the name. */
  address: string;
  family: 4 | 6;
}

/** Only ordinary public unicast addresses; an IPv4-mapped IPv6 address counts as its IPv4 one. */
function isPublic(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === 'unicast';
}

/**
 * The URL parsed and its host resolved; refused unless https and every address is public.
 * `allowPrivate` (LIAISON_WEBHOOKS_ALLOW_PRIVATE) also allows http and any address.
 */
export async function resolveTarget(raw: string, allowPrivate: boolean): Promise<OutboundTarget> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetRefused('must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new TargetRefused('must use https');
  }
  if (url.username || url.password) throw new TargetRefused('must not carry a user name or password');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  try {
    addresses = ipaddr.isValid(host)
      ? [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }]
      : await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new TargetRefused(`host ${host} does not resolve`);
  }
  if (addresses.length === 0) throw new TargetRefused(`host ${host} does not resolve`);
  if (!allowPrivate) {
    const refused = addresses.find((a) => !isPublic(a.address));
    if (refused) {
      throw new TargetRefused(`resolves to ${refused.address}, a loopback, private, link-local or reserved address`);
    }
  }
  const [first] = addresses;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
