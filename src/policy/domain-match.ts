// WebFetch(domain:example.com) and WebFetch(domain:*.example.com) — the latter matches subdomains only.

export interface DomainPattern {
  host: string;
  subdomains: boolean;
}

const HOST_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Parse the part after `domain:`. Throws on anything that is not a host name or `*.` + host name. */
export function compileDomain(spec: string): DomainPattern {
  let host = spec.trim().toLowerCase().replace(/\.$/, '');
  let subdomains = false;
  if (host.startsWith('*.')) {
    subdomains = true;
    host = host.slice(2);
  }
  if (!HOST_RE.test(host) && !/^\[[0-9a-f:.]+\]$/.test(host)) {
    throw new Error(`domain "${spec}" is not a host name (write domain:example.com or domain:*.example.com)`);
  }
  return { host, subdomains };
}

/** The lower-case host of a URL, or null when it is not an http(s) URL. */
export function hostOf(url: unknown): string | null {
  if (typeof url !== 'string') return null;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  return host || null;
}

export function matchDomain(d: DomainPattern, host: string): boolean {
  return d.subdomains ? host.endsWith('.' + d.host) : host === d.host;
}
