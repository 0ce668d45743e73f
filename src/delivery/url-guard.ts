// The SSRF guard for webhooks and callbacks. Two checks:
//  - checkStatic: the URL itself (scheme, credentials, IP literals, `localhost` names), used when
//    a callback_url is accepted and again before every send;
//  - lookup: a dns.lookup replacement given to http.request, so the address checked is the
//    address the socket connects to. A name that resolves to a public address when it is accepted
//    and to 127.0.0.1 when it is sent (DNS rebinding) is refused at connect time.
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { DeliveryConfig } from '../config/schema.js';
import { classifyAddress, type AddressClass } from './ip-ranges.js';

export type GuardConfig = Pick<DeliveryConfig, 'allow_loopback' | 'allow_private_networks' | 'allow_hosts'>;

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;
/** The shape http.request's `lookup` option expects. */
export type LookupFunction = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;
/** The resolver the guard asks (dns.lookup; tests pass a fake). */
export type Resolver = (hostname: string, options: LookupOptions & { all: true }, callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

export interface UrlGuard {
  /** Why the URL may never be delivered to, in words; null when it may (DNS is checked later). */
  checkStatic(url: string): string | null;
  /** Why a resolved address may not be connected to for `host`; null when it may. */
  checkAddress(host: string, address: string): string | null;
  lookup: LookupFunction;
}

/** Raised (through the request's `error` event) when the guard refuses an address. */
export class BlockedAddressError extends Error {
  readonly code = 'DELIVERY_BLOCKED';
  constructor(message: string) {
    super(message);
    this.name = 'BlockedAddressError';
  }
}

const DESCRIBE: Record<Exclude<AddressClass, 'public'>, string> = {
  loopback: 'a loopback address (set delivery.allow_loopback to allow it)',
  private: 'a private network address (set delivery.allow_private_networks or list the host in delivery.allow_hosts)',
  'link-local': 'a link-local address (cloud metadata lives here; list the host in delivery.allow_hosts if you really mean it)',
  unspecified: 'an unspecified address (0.0.0.0 / ::)',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

const normalizeHost = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');

const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

export function hostAllowed(host: string, allowHosts: readonly string[]): boolean {
  const h = normalizeHost(host);
  return allowHosts.some((raw) => {
    const pattern = normalizeHost(raw.trim());
    if (pattern.startsWith('*.')) return h.endsWith(pattern.slice(1)) && h.length > pattern.length - 1;
    return h === pattern;
  });
}

export function createUrlGuard(cfg: GuardConfig, resolver: Resolver = dnsLookup as unknown as Resolver): UrlGuard {
  const classAllowed = (cls: AddressClass): boolean =>
    cls === 'public' || (cls === 'loopback' && cfg.allow_loopback) || (cls === 'private' && cfg.allow_private_networks);

  const checkAddress = (host: string, address: string): string | null => {
    if (hostAllowed(host, cfg.allow_hosts)) return null;
    const cls = classifyAddress(address);
    if (cls === null) return `${address} is not an IP address`;
    if (classAllowed(cls)) return null;
    const subject = normalizeHost(host) === normalizeHost(address) ? address : `${host} resolves to ${address}, which`;
    return `${subject} is ${DESCRIBE[cls as Exclude<AddressClass, 'public'>]}`;
  };

  const checkStatic = (url: string): string | null => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'it is not a valid absolute URL';
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `scheme ${parsed.protocol.replace(/:$/, '')} is not allowed (use http or https)`;
    if (parsed.username || parsed.password) return 'URLs with credentials (user:password@) are not allowed; put secrets in the webhook secret instead';
    const host = normalizeHost(parsed.hostname);
    if (!host) return 'the URL has no host';
    if (hostAllowed(host, cfg.allow_hosts)) return null;
    if (isLocalhostName(host)) return cfg.allow_loopback ? null : `${host} is ${DESCRIBE.loopback}`;
    // The URL parser has already turned 2130706433, 0x7f.1 and 0177.0.0.1 into 127.0.0.1.
    if (classifyAddress(host) !== null) return checkAddress(host, host);
    return null;
  };

  const lookup: LookupFunction = (hostname, options, callback) => {
    const opts = typeof options === 'object' && options !== null ? options : {};
    resolver(hostname, { ...opts, all: true }, (err, addresses) => {
      if (err) return callback(err, opts.all ? [] : '', undefined);
      if (!addresses || addresses.length === 0) return callback(Object.assign(new Error(`${hostname} did not resolve to any address`), { code: 'ENOTFOUND' }), opts.all ? [] : '');
      // Refuse when ANY address is forbidden: the socket may try them in any order.
      for (const a of addresses) {
        const reason = checkAddress(hostname, a.address);
        if (reason) return callback(new BlockedAddressError(`blocked by the SSRF guard: ${reason}`), opts.all ? [] : '');
      }
      if (opts.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };

  return { checkStatic, checkAddress, lookup };
}
