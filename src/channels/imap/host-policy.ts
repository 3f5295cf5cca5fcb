import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import type { AppConfig } from '../../config/config.schema.js';
import { DomainError } from '../../core/errors/domain-error.js';

/**
 * The one answer for every mailbox server Relais will not or cannot reach: refused by the policy
 * below, unknown to DNS, closed, filtered, or not speaking IMAP. Told apart, they would let a
 * company map the ports of our own network through the connection test.
 */
export function mailboxUnreachable(): DomainError {
  return new DomainError(
    'mailbox_unreachable',
    'No IMAP server could be reached at this host and port: check the host name, the port and TLS, and that the server accepts connections from the internet.',
    { field: 'host' },
  );
}

/** Addresses a company's mailbox server never has: our own machine and networks, or nobody's. */
const INTERNAL: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'], // "this network", unspecified
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'], // carrier-grade NAT
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'], // link-local, cloud metadata
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'], // multicast, reserved, broadcast
  ['::', 96, 'ipv6'], // unspecified, loopback, the deprecated IPv4-compatible forms
  ['fc00::', 7, 'ipv6'], // unique local
  ['fe80::', 10, 'ipv6'], // link-local
  ['ff00::', 8, 'ipv6'], // multicast
];

/** The 16 bytes of an IPv6 address (which net.isIP accepted), zone left out. */
function ipv6Bytes(address: string): number[] {
  let text = address.split('%')[0].toLowerCase();
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail.push(...dotted[1].split('.').map(Number));
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const groups = (part: string) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = rest === null ? [] : groups(rest);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes;
}

/**
 * The address as checked: an IPv4-mapped IPv6 address (::ffff:127.0.0.1, ::ffff:7f00:1) reaches
 * the IPv4 address inside it, so it is judged as that address.
 */
export function canonicalAddress(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  if (isIP(address) === 4) return { address, type: 'ipv4' };
  const bytes = ipv6Bytes(address);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return { address: bytes.slice(12).join('.'), type: 'ipv4' };
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16));
  return { address: groups.join(':'), type: 'ipv6' };
}

/** Reads MAILBOX_ALLOWED_HOSTS entries: a CIDR (or one address) goes to the list, the rest are host names. */
function allowedFrom(entries: readonly string[]): { names: Set<string>; networks: BlockList } {
  const names = new Set<string>();
  const networks = new BlockList();
  for (const entry of entries) {
    const [net, bits] = entry.split('/');
    const kind = isIP(net);
    if (kind === 0) {
      names.add(hostName(entry));
      continue;
    }
    const { address, type } = canonicalAddress(net);
    const max = type === 'ipv4' ? 32 : 128;
    // A mapped IPv6 network (::ffff:10.0.0.0/104) is the IPv4 network inside it.
    const prefix = bits === undefined ? max : Number(bits) - (kind === 6 && type === 'ipv4' ? 96 : 0);
    networks.addSubnet(address, prefix, type);
  }
  return { names, networks };
}

function hostName(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

type Lookup = (host: string) => Promise<string[]>;

const systemLookup: Lookup = async (host) => (await lookup(host, { all: true, verbatim: true })).map((answer) => answer.address);

/**
 * Where mailbox connections may go. In production a mailbox server must be on the internet:
 * loopback, private, link-local, CGNAT, unspecified and multicast addresses (and their
 * IPv4-mapped IPv6 forms) are refused, whether written as the host or answered by DNS for it,
 * unless MAILBOX_ALLOWED_HOSTS names the host or a network holding its address. Elsewhere (tests,
 * development) anything goes.
 */
export class MailboxHostPolicy {
  private readonly internal = new BlockList();
  private readonly allowed: { names: Set<string>; networks: BlockList };

  constructor(
    private readonly restricted: boolean,
    allowedHosts: readonly string[] = [],
    private readonly resolve: Lookup = systemLookup,
  ) {
    for (const [net, prefix, type] of INTERNAL) this.internal.addSubnet(net, prefix, type);
    this.allowed = allowedFrom(allowedHosts);
  }

  static fromConfig(config: AppConfig): MailboxHostPolicy {
    return new MailboxHostPolicy(config.env === 'production', config.inbound.mailboxAllowedHosts);
  }

  /** No restriction: tests that build an IMAP client by hand, against the loopback Dovecot. */
  static unrestricted(): MailboxHostPolicy {
    return new MailboxHostPolicy(false);
  }

  /**
   * What to connect to for `host`: the address checked here (so a DNS answer that changes between
   * the check and the connection cannot lead inside), or the name itself where it is trusted.
   * Throws mailbox_unreachable when the host is refused or does not resolve.
   */
  async target(host: string): Promise<string> {
    if (!this.restricted || this.allowed.names.has(hostName(host))) return host;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolve(host);
    } catch {
      throw mailboxUnreachable();
    }
    if (addresses.length === 0 || addresses.some((address) => !this.reachable(address))) throw mailboxUnreachable();
    // One address is tried, not each in turn: IPv4 first, which every IMAP provider serves.
    return addresses.find((address) => isIP(address) === 4) ?? addresses[0];
  }

  private reachable(address: string): boolean {
    const canonical = canonicalAddress(address);
    if (this.allowed.networks.check(canonical.address, canonical.type)) return true;
    return !this.internal.check(canonical.address, canonical.type);
  }
}
