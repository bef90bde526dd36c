/**
 * Which Host headers the headless host answers (DNS rebinding): a web page on `evil.example` whose
 * name is made to resolve to 127.0.0.1 reaches this server with `Host: evil.example:5177`, so the
 * name it was asked by is checked before anything else.
 *
 * Answered: the bound address, the loopback names (localhost, 127.0.0.1, [::1]), and, when bound to
 * every interface (0.0.0.0 / ::), any IP literal — all with the bound port; and the names given with
 * `--allowed-host NAME`, on any port (a reverse proxy in front may use its own). An IP literal cannot
 * be rebound: a page can only reach it from its own origin, which is this host.
 */
import { isIP } from 'node:net';
import { ApiError } from '../../../src-shared/api-errors';

export interface HostCheckOptions {
  /** the address the server listens on, as given (127.0.0.1, ::1, 0.0.0.0, 192.168.1.5, localhost…) */
  bindHost: string;
  /** the port it listens on (after port 0 is resolved) */
  port: number;
  /** names given with --allowed-host (any case; a leading dot is not special) */
  allowedHosts?: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARDS = ['0.0.0.0', '::'];

/** `name[:port]` or `[v6][:port]` -> its parts, lower-cased; null when it is not a host header at all. */
export function splitHostHeader(value: string): { name: string; port: number | null } | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s/@]+))(?::(\d{1,5}))?$/i.exec(value.trim());
  if (!m) return null;
  const name = (m[1] ?? m[2]!).toLowerCase().replace(/\.$/, '');
  if (m[1] !== undefined && isIP(name) !== 6) return null;
  const port = m[3] === undefined ? null : Number(m[3]);
  if (port !== null && port > 65535) return null;
  return { name, port };
}

/** Throws FORBIDDEN (or BAD_INPUT for a missing/garbled header) unless the request may be answered. */
export type HostCheck = (hostHeader: string | undefined) => void;

export function createHostCheck(options: HostCheckOptions): HostCheck {
  const bind = options.bindHost.toLowerCase().replace(/^\[|\]$/g, '');
  const wildcard = WILDCARDS.includes(bind);
  const byPort = new Set([...LOOPBACK_NAMES, ...(wildcard ? [] : [bind])]);
  const anyPort = new Set((options.allowedHosts ?? []).map((h) => h.toLowerCase().replace(/\.$/, '')));
  const shown = [...byPort].map((n) => `${n.includes(':') ? `[${n}]` : n}:${options.port}`);
  if (wildcard) shown.push(`any IP address of this machine:${options.port}`);
  shown.push(...anyPort);

  return (header) => {
    if (header === undefined || header === '') throw new ApiError('BAD_INPUT', 'The request has no Host header.');
    const parsed = splitHostHeader(header);
    if (!parsed) throw new ApiError('BAD_INPUT', `The Host header ${JSON.stringify(header.slice(0, 200))} is not a host name.`);
    if (anyPort.has(parsed.name)) return;
    // no port in the header means the scheme's default, 80
    const portMatches = (parsed.port ?? 80) === options.port;
    if (portMatches && (byPort.has(parsed.name) || (wildcard && isIP(parsed.name) !== 0))) return;
    throw new ApiError(
      'FORBIDDEN',
      `This Mission Companion host answers only to ${shown.join(', ')}; it was asked as ${JSON.stringify(header.slice(0, 200))}. ` +
        'To reach it under another name, start it with --allowed-host NAME.',
    );
  };
}
