/**
 * The few globals src-shared may use: those that Node and every browser both provide, typed as
 * narrowly as src-shared needs them. tsconfig.shared.json checks src-shared with these and the
 * ECMAScript library only, so a DOM global (window, document, localStorage) or a Node one
 * (process, Buffer, __dirname) there is a type error. Widen this file deliberately, never with a
 * side's own API.
 */

/** WHATWG URL (Node >= 10, every browser). */
declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly origin: string;
  readonly protocol: string;
  /** writable: src-shared/url-credentials.ts cuts credentials out of addresses */
  username: string;
  password: string;
  readonly host: string;
  readonly hostname: string;
  readonly port: string;
  readonly pathname: string;
  readonly search: string;
  readonly hash: string;
  toString(): string;
}

/** Web Crypto's random source (globalThis.crypto in Node >= 19 and every browser). */
declare var crypto: { getRandomValues<T extends Uint8Array | Uint16Array | Uint32Array>(array: T): T };

/** HTML structured clone (Node >= 17, every browser). */
declare function structuredClone<T>(value: T): T;
