/**
 * Who is calling the sync server. A device token (`mcs_…`, made by `users add`) names its user; the
 * server keeps only its SHA-256 (the token is 32 random bytes, so a slow hash would add nothing).
 * Optionally, JWTs from an identity provider are accepted, verified against its JWKS with `jose`
 * (a maintained JOSE library): the user id is the token's `sub`. The user id never comes from a
 * request body.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { ApiError } from '../../src-shared/api';
import type { AccountStore } from './storage';

export const DEVICE_TOKEN_PREFIX = 'mcs_';

export function newDeviceToken(): string {
  return `${DEVICE_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function bearerToken(req: IncomingMessage): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

export interface JwtOptions {
  jwksUrl: string;
  /** expected `iss`, when set */
  issuer?: string;
  /** expected `aud`, when set */
  audience?: string;
}

export type Authenticator = (token: string | null) => Promise<string | null>;

/** Resolves a bearer token to a user id, or null (→ 401); throws UNAVAILABLE when the JWKS cannot be fetched. */
export function createAuthenticator(accounts: AccountStore, jwt?: JwtOptions): Authenticator {
  const jwks = jwt ? createRemoteJWKSet(new URL(jwt.jwksUrl)) : null;
  return async (token) => {
    if (!token) return null;
    if (token.startsWith(DEVICE_TOKEN_PREFIX)) return accounts.userForToken(hashToken(token));
    if (!jwks || !jwt) return null;
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: jwt.issuer, audience: jwt.audience });
      return typeof payload.sub === 'string' && payload.sub !== '' && payload.sub.length <= 200 ? payload.sub : null;
    } catch (error) {
      // A bad token is a 401; an identity provider we cannot reach is our problem, not the device's.
      if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return null;
      throw new ApiError('UNAVAILABLE', 'The identity provider\'s keys (JWKS) cannot be fetched right now; try again shortly.');
    }
  };
}
