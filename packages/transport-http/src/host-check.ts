/** Host names that always reach a loopback-bound server. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** True when `host` is a loopback interface address or name. */
export function isLoopbackBind(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * The Host names an HTTP server should answer, as a DNS-rebinding defence (plain node:http checks
 * nothing): `ALLOWED_HOSTS` plus loopback names when set; loopback names only when bound to
 * loopback; undefined (anything) when bound to a public interface without `ALLOWED_HOSTS`.
 */
export function allowedHostsFor(
  bindHost: string,
  configured: readonly string[] | undefined,
): readonly string[] | undefined {
  if (configured !== undefined && configured.length > 0) {
    return [...new Set([...configured.map((h) => h.toLowerCase()), ...LOOPBACK_HOSTS])];
  }
  return isLoopbackBind(bindHost) ? LOOPBACK_HOSTS : undefined;
}

/**
 * True when the hostname of a `Host` header value (port ignored) is in `allowed`; entries may be
 * exact names or `*.domain` (which matches sub-domains, not the bare domain).
 */
export function isHostAllowed(
  hostHeader: string | undefined,
  allowed: readonly string[] | undefined,
): boolean {
  if (allowed === undefined) return true;
  if (hostHeader === undefined || hostHeader === '') return false;
  const name = hostnameOf(hostHeader);
  if (name === undefined) return false;
  return allowed.some((entry) =>
    entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry,
  );
}

/**
 * True when a request's `Origin` (browsers send one; MCP clients do not) names an allowed host.
 * A missing Origin passes; `null` and unparsable origins fail when a list applies.
 */
export function isOriginAllowed(origin: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined || allowed === undefined) return true;
  try {
    const host = new URL(origin).host;
    return isHostAllowed(host, allowed);
  } catch {
    return false;
  }
}

function hostnameOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? undefined : value.slice(0, end + 1);
  }
  const name = value.split(':')[0];
  return name && /^[a-z0-9.-]+$/.test(name) ? name : undefined;
}
