/**
 * The headless CLI's sync-server options (`--sync`, `--database-url`, `--jwks-url`, …) and the
 * `users` command, kept here so cli.ts only forwards them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { JwtOptions } from './auth';
import { createSyncRouter } from './router';
import { openSyncStorage } from './server';
import { SYNC_SQLITE_FILE } from './sqlite-storage';
import type { SyncStorage } from './storage';
import { UsersCommandError, runUsersCommand } from './users-command';

export const SYNC_USAGE = `  --sync                    also serve the sync protocol to other devices (/sync/…, /health); accounts: \`users add NAME\`
  --database-url URL        sync storage in Postgres (default: <data-dir>/${SYNC_SQLITE_FILE}); or $COMPANION_DATABASE_URL
  --jwks-url URL            also accept identity-provider JWTs verified with this JWKS (user id = sub)
  --jwt-audience A          with --jwks-url: the audience tokens must name
  --jwt-issuer I            with --jwks-url: the issuer tokens must name`;

/** parseArgs option specs of the flags above. */
export const SYNC_OPTIONS = {
  sync: { type: 'boolean' },
  'database-url': { type: 'string' },
  'jwks-url': { type: 'string' },
  'jwt-audience': { type: 'string' },
  'jwt-issuer': { type: 'string' },
  device: { type: 'string' },
} as const;

export interface SyncFlags {
  sync?: boolean;
  'database-url'?: string;
  'jwks-url'?: string;
  'jwt-audience'?: string;
  'jwt-issuer'?: string;
  device?: string;
}

export class SyncOptionError extends Error {}

function databaseUrl(flags: SyncFlags): string | null {
  const url = flags['database-url'] ?? process.env.COMPANION_DATABASE_URL ?? null;
  if (url !== null && !/^postgres(ql)?:\/\//.test(url)) throw new SyncOptionError('--database-url must be a postgres:// URL, e.g. postgres://companion_sync:PASSWORD@127.0.0.1:5432/companion');
  return url;
}

function jwtOptions(flags: SyncFlags): JwtOptions | undefined {
  const jwksUrl = flags['jwks-url'];
  if (!jwksUrl) {
    if (flags['jwt-audience'] || flags['jwt-issuer']) throw new SyncOptionError('--jwt-audience and --jwt-issuer need --jwks-url.');
    return undefined;
  }
  if (!/^https?:\/\//.test(jwksUrl)) throw new SyncOptionError('--jwks-url must be an http(s) URL of the identity provider\'s JWKS.');
  return { jwksUrl, audience: flags['jwt-audience'], issuer: flags['jwt-issuer'] };
}

/** Flags that only mean something with --sync, given without it. */
export function checkSyncFlags(flags: SyncFlags, command: string): void {
  if (command !== 'users' && flags.device !== undefined) throw new SyncOptionError('--device labels a token made by `users add` or `users token`.');
  if (command === 'users' || flags.sync) return;
  const stray = (['database-url', 'jwks-url', 'jwt-audience', 'jwt-issuer'] as const).filter((k) => flags[k] !== undefined);
  if (stray.length > 0) throw new SyncOptionError(`--${stray[0]} configures the sync server: add --sync.`);
}

export interface MountedSync {
  router: { handles(pathname: string): boolean; handle(req: IncomingMessage, res: ServerResponse): void; close(): void };
  storage: SyncStorage;
  /** where the data is, for the ready line (never the password) */
  where: string;
}

/** Opens the storage and the router for `serve --sync`. */
export async function mountSync(flags: SyncFlags, dataDir: string, log: (line: string) => void): Promise<MountedSync> {
  const url = databaseUrl(flags);
  const jwt = jwtOptions(flags);
  const storage = await openSyncStorage({ dataDir, databaseUrl: url });
  const where = url ? `Postgres at ${redact(url)}` : `SQLite at ${join(dataDir, SYNC_SQLITE_FILE)}`;
  return { router: createSyncRouter({ storage, jwt, log }), storage, where };
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/** `users …`: prints to stdout (the token on the last line); throws SyncOptionError/UsersCommandError with what to do. */
export async function usersMain(flags: SyncFlags, dataDir: string, args: string[]): Promise<void> {
  const storage = await openSyncStorage({ dataDir, databaseUrl: databaseUrl(flags) });
  try {
    await runUsersCommand(storage.accounts, args, { device: flags.device ?? null, now: new Date(), print: (line) => process.stdout.write(`${line}\n`) });
  } finally {
    await storage.close();
  }
}

export { UsersCommandError };
