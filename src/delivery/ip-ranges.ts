// What kind of network an IP address belongs to, for the SSRF guard. Pure: no DNS, no sockets.
// IPv4-mapped, IPv4-compatible, NAT64 and 6to4 IPv6 addresses are judged by the IPv4 address
// they carry, so `::ffff:127.0.0.1` is loopback like `127.0.0.1`.
import { isIPv4, isIPv6 } from 'node:net';

export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

type V4Range = readonly [base: number, prefix: number, cls: AddressClass];

const v4 = (dotted: string): number => dotted.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);

/** Most specific first: the first range that contains the address wins. */
const V4_RANGES: readonly V4Range[] = [
  [v4('0.0.0.0'), 8, 'unspecified'], // "this network": Linux connects 0.x to the local host
  [v4('127.0.0.0'), 8, 'loopback'],
  [v4('10.0.0.0'), 8, 'private'],
  [v4('172.16.0.0'), 12, 'private'],
  [v4('192.168.0.0'), 16, 'private'],
  [v4('100.64.0.0'), 10, 'private'], // carrier-grade NAT
  [v4('169.254.0.0'), 16, 'link-local'], // includes cloud metadata 169.254.169.254
  [v4('192.0.0.0'), 24, 'reserved'],
  [v4('192.0.2.0'), 24, 'reserved'],
  [v4('192.88.99.0'), 24, 'reserved'],
  [v4('198.18.0.0'), 15, 'reserved'],
  [v4('198.51.100.0'), 24, 'reserved'],
  [v4('203.0.113.0'), 24, 'reserved'],
  [v4('224.0.0.0'), 4, 'multicast'],
  [v4('240.0.0.0'), 4, 'reserved'], // includes 255.255.255.255
];

function inV4Range(addr: number, base: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return addr >= base && addr < base + size;
}

export function classifyIPv4(address: string): AddressClass {
  return classifyV4Number(v4(address));
}

function classifyV4Number(n: number): AddressClass {
  for (const [base, prefix, cls] of V4_RANGES) if (inV4Range(n, base, prefix)) return cls;
  return 'public';
}

/** Eight 16-bit groups, or null when the text is not an IPv6 address. */
export function parseIPv6(text: string): number[] | null {
  const address = text.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIPv6(address)) return null;
  let head = address;
  let tail = '';
  const split = address.indexOf('::');
  if (split >= 0) {
    head = address.slice(0, split);
    tail = address.slice(split + 2);
  }
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const n = v4(piece);
        out.push(Math.floor(n / 65536), n % 65536);
      } else {
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  const fill = split >= 0 ? new Array<number>(8 - h.length - t.length).fill(0) : [];
  const all = [...h, ...fill, ...t];
  return all.length === 8 ? all : null;
}

export function classifyIPv6(address: string): AddressClass {
  const g = parseIPv6(address);
  if (!g) return 'reserved';
  const embedded = (hi: number, lo: number) => classifyV4Number(hi * 65536 + lo);
  const zeroUpTo = (n: number) => g.slice(0, n).every((x) => x === 0);

  if (zeroUpTo(8)) return 'unspecified';
  if (zeroUpTo(7) && g[7] === 1) return 'loopback';
  if (zeroUpTo(5) && g[5] === 0xffff) return embedded(g[6], g[7]); // ::ffff:a.b.c.d (mapped)
  if (zeroUpTo(6)) return 'reserved'; // ::a.b.c.d (deprecated IPv4-compatible)
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0) return embedded(g[6], g[7]); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'private'; // local-use NAT64
  if (g[0] === 0x2002) return embedded(g[1], g[2]); // 6to4
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (g[0] === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'reserved'; // discard
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // unique local fc00::/7
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  return 'public';
}

/** The class of an IP literal (brackets and zone ids allowed), or null when it is not one. */
export function classifyAddress(address: string): AddressClass | null {
  const bare = address.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return classifyIPv4(bare);
  if (isIPv6(bare.replace(/%.*$/, ''))) return classifyIPv6(bare);
  return null;
}
