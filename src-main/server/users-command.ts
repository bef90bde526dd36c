/**
 * `npm run serve -- users add|token|list|revoke …`: the sync server's accounts. A device signs in
 * with a device token; the token is printed once, on the LAST line of `add` and `token` (so scripts
 * can take it with `tail -n 1`), and only its hash is stored.
 */
import { randomUUID } from 'node:crypto';
import { hashToken, newDeviceToken } from './auth';
import type { AccountStore } from './storage';

export const USERS_USAGE = `usage: companion users <command> [--data-dir DIR] [--database-url URL]
  users add NAME [--device LABEL]     create an account and print a device token (last line)
  users token NAME [--device LABEL]   print another device token for an existing account
  users list                          accounts and how many live device tokens each has
  users revoke NAME                   revoke every device token of the account (devices must sign in again)`;

const NAME = /^[A-Za-z0-9_.@-]{1,100}$/;

export class UsersCommandError extends Error {}

function checkName(name: string | undefined): string {
  if (!name) throw new UsersCommandError(`Name the account.\n${USERS_USAGE}`);
  if (!NAME.test(name)) throw new UsersCommandError(`"${name}" is not a valid account name: use letters, digits and _ . @ - (at most 100).`);
  return name;
}

/** Creates an account with its first device token. */
export async function addAccount(accounts: AccountStore, name: string, now: Date, device: string | null = null): Promise<{ userId: string; token: string }> {
  const account = await accounts.addUser(checkName(name), randomUUID(), now.toISOString());
  if (!account) throw new UsersCommandError(`An account named "${name}" exists already: use \`users token ${name}\` to add a device to it.`);
  const token = newDeviceToken();
  await accounts.addToken(account.userId, hashToken(token), device, now.toISOString());
  return { userId: account.userId, token };
}

async function existing(accounts: AccountStore, name: string) {
  const account = await accounts.findUser(checkName(name));
  if (!account) throw new UsersCommandError(`There is no account named "${name}" (see \`users list\`).`);
  return account;
}

/** Runs one `users` command; every line goes to `print`. Throws UsersCommandError for bad input. */
export async function runUsersCommand(accounts: AccountStore, args: string[], options: { device: string | null; now: Date; print: (line: string) => void }): Promise<void> {
  const [command, name, ...extra] = args;
  const { print, now, device } = options;
  if (extra.length > 0) throw new UsersCommandError(`Unexpected arguments: ${extra.join(' ')}\n${USERS_USAGE}`);
  switch (command) {
    case 'add': {
      const { token } = await addAccount(accounts, name!, now, device);
      print(`Created the sync account "${name}". Its device token (shown once, stored only as a hash):`);
      print(token);
      return;
    }
    case 'token': {
      const account = await existing(accounts, name!);
      const token = newDeviceToken();
      await accounts.addToken(account.userId, hashToken(token), device, now.toISOString());
      print(`A new device token for "${account.name}" (shown once, stored only as a hash):`);
      print(token);
      return;
    }
    case 'list': {
      if (name) throw new UsersCommandError(`\`users list\` takes no name.\n${USERS_USAGE}`);
      const all = await accounts.listUsers();
      if (all.length === 0) print('No sync accounts yet: add one with `users add NAME`.');
      for (const a of all) print(`${a.name}\t${a.activeTokens} device token${a.activeTokens === 1 ? '' : 's'}\tcreated ${a.createdAt}`);
      return;
    }
    case 'revoke': {
      const account = await existing(accounts, name!);
      const revoked = await accounts.revokeTokens(account.userId, now.toISOString());
      print(`Revoked ${revoked} device token${revoked === 1 ? '' : 's'} of "${account.name}": its devices must sign in again with a new token (\`users token ${account.name}\`).`);
      return;
    }
    default:
      throw new UsersCommandError(`${command ? `Unknown users command "${command}".\n` : ''}${USERS_USAGE}`);
  }
}
