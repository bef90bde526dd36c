/**
 * What a request asks for, read strictly before anything routes on it: only origin-form targets
 * (`/path?query`, RFC 9112 §3.2.1) are served. Absolute-form (`http://host/…`, meant for proxies),
 * asterisk-form (`*`), a target starting with `//` (which URL parsers read as a host) and a path
 * whose percent-encoding does not decode are refused with 400 — never thrown out of the request
 * handler, where a URIError used to stop the whole host.
 */
import { ApiError } from '../../../src-shared/api-errors';

export interface RequestTarget {
  /** the decoded path, dot segments resolved: `/api/sync.push`, `/assets/x.js` */
  path: string;
  /** the query, decoded leniently (a stray `%` stays as it is) */
  query: URLSearchParams;
}

/** A request line of Node's parser is at most maxHeaderSize (16 KB) anyway; a path needs far less. */
export const MAX_TARGET_CHARS = 8 * 1024;
// Only the shape matters here; the base is never used for anything but parsing.
const PARSE_BASE = 'http://request-target.invalid';

function refuse(what: string): never {
  throw new ApiError('BAD_INPUT', `Bad request target: ${what}. Ask for a path such as /api/<method> or /.`);
}

export function parseRequestTarget(raw: string | undefined): RequestTarget {
  if (typeof raw !== 'string' || raw.length === 0) refuse('it is empty');
  if (raw.length > MAX_TARGET_CHARS) refuse(`it is longer than ${MAX_TARGET_CHARS} characters`);
  if (!raw.startsWith('/')) refuse('only paths starting with / are served (no absolute URLs, no *)');
  if (raw.startsWith('//')) refuse('it starts with //');
  let url: URL;
  try {
    url = new URL(raw, PARSE_BASE);
  } catch {
    refuse('it is not a valid URL path');
  }
  // a backslash or a control character could still turn a path into a host
  if (url.origin !== PARSE_BASE) refuse('it names a host');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    refuse('its percent-encoding is malformed (a % must be followed by two hex digits of valid UTF-8)');
  }
  if (path.includes('\0')) refuse('it contains a NUL character');
  return { path, query: url.searchParams };
}
