/** Who you are and who else is there: login, logout, whoami, user, token, group. */
import { Methods } from '../../protocol';
import { GatewayClient } from '../../rpc/client';
import { credentialsPath, removeCredential, saveCredential } from '../../rpc/credentials';
import { UsageError } from '../errors';
import { Output } from '../output';
import { formatSize } from '../units';
import { clientOptions, withClient, type GlobalOptions } from './client';

/** Reads a token: from stdin when it is piped (`echo $T | framegate login`), else a hidden prompt. */
async function askToken(url: string): Promise<string> {
  if (!process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  const { default: password } = await import('@inquirer/password');
  return (await password({ message: `Token for ${url} (from your admin):`, mask: true })).trim();
}

/** `framegate login [URL]`: checks the token with the gateway, then saves it for that URL. */
export async function login(globals: GlobalOptions, url: string | undefined): Promise<void> {
  const target = url ?? globals.url;
  const token = globals.token ?? (await askToken(target));
  if (!token) throw new UsageError('no token given');
  const client = await GatewayClient.connect(target, clientOptions(globals, token));
  try {
    const me = await client.request(Methods.whoami, {});
    const path = saveCredential(target, { user: me.user, token });
    new Output(globals.json).result({ url: target, user: me.user, admin: me.admin, saved: path }, () => `logged in to ${target} as ${me.user}${me.admin ? ' (admin)' : ''}; token saved in ${path}`);
  } finally {
    client.close();
  }
}

export function logout(globals: GlobalOptions, url: string | undefined): void {
  const target = url ?? globals.url;
  const removed = removeCredential(target);
  new Output(globals.json).result({ url: target, removed }, () =>
    removed ? `logged out of ${target} (token removed from ${credentialsPath()})` : `no token saved for ${target}`,
  );
}

export function whoami(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => {
    const me = await client.request(Methods.whoami, {});
    output.result(me, () =>
      [
        `${me.user} at ${client.url}${me.admin ? ' (admin)' : ''}`,
        `namespace: ${me.namespace}; team namespace: ${me.teamNamespace}${me.teamWriter || me.admin ? ' (you may save there)' : ''}`,
        `groups: ${me.groups.length ? me.groups.join(', ') : '(none)'}`,
        `storage: ${formatSize(me.storage.usedBytes)} in ${me.storage.versions} version${me.storage.versions === 1 ? '' : 's'}${me.limits.storageBytes === null ? ' (no limit)' : ` of ${formatSize(me.limits.storageBytes)}`}`,
        `queries at once: ${me.limits.concurrentQueries === null ? 'no limit' : me.limits.concurrentQueries}`,
      ].join('\n'),
    );
  });
}

export function userAdd(globals: GlobalOptions, name: string, options: { admin: boolean; teamWriter: boolean }): Promise<void> {
  return withClient(globals, async (client, output) => {
    const added = await client.request(Methods.addUser, { name, admin: options.admin, teamWriter: options.teamWriter });
    output.result({ user: added.user, token: added.token }, () =>
      [
        `added ${added.user}${added.info.admin ? ' (admin)' : ''}. Their token, shown only this once:`,
        added.token,
        `They run: framegate login ${client.url}   (and paste it), or set FRAMEGATE_TOKEN.`,
      ].join('\n'),
    );
  });
}

export function userList(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => output.users(await client.request(Methods.listUsers, {})));
}

export function userRemove(globals: GlobalOptions, name: string): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.removeUser, { name });
    output.result(result, () => `removed ${result.removed}; their token no longer works (their frames stay)`);
  });
}

export function userSet(globals: GlobalOptions, name: string, options: { admin?: boolean; teamWriter?: boolean; storageLimit?: number | null }): Promise<void> {
  if (options.admin === undefined && options.teamWriter === undefined && options.storageLimit === undefined) {
    throw new UsageError('say what to change: --admin, --no-admin, --team-writer, --no-team-writer or --storage-limit SIZE|default');
  }
  return withClient(globals, async (client, output) => {
    const { storageLimit, ...flags } = options;
    const user = await client.request(Methods.updateUser, { name, ...flags, ...(storageLimit !== undefined ? { storageLimitBytes: storageLimit } : {}) });
    const limit = user.storageLimitBytes === null ? "the gateway's storage limit" : `a storage limit of ${formatSize(user.storageLimitBytes)}`;
    output.result(user, () => `${user.name}: ${user.admin ? 'admin' : 'not admin'}, ${user.teamWriter ? 'may' : 'may not'} save in the team namespace, ${limit}`);
  });
}

export function tokenRotate(globals: GlobalOptions, name: string | undefined): Promise<void> {
  return withClient(globals, async (client, output) => {
    const me = await client.request(Methods.whoami, {});
    const rotated = await client.request(Methods.rotateToken, name === undefined ? {} : { user: name });
    const own = rotated.user === me.user;
    // Your own new token replaces the saved one, so the next command keeps working.
    const saved = own ? saveCredential(client.url, { user: rotated.user, token: rotated.token }) : undefined;
    output.result({ ...rotated, ...(saved ? { saved } : {}) }, () =>
      [
        `new token for ${rotated.user} (the old one stopped working), shown only this once:`,
        rotated.token,
        ...(saved ? [`saved in ${saved}`] : [`give it to ${rotated.user}: framegate login ${client.url}`]),
      ].join('\n'),
    );
  });
}

export function groupAdd(globals: GlobalOptions, name: string, members: string[]): Promise<void> {
  return withClient(globals, async (client, output) => {
    const group = await client.request(Methods.addGroup, { name, members });
    output.result(group, () => `group ${group.name}: ${group.members.length ? group.members.join(', ') : '(no members)'}`);
  });
}

export function groupRemove(globals: GlobalOptions, name: string, members: string[]): Promise<void> {
  return withClient(globals, async (client, output) => {
    const result = await client.request(Methods.removeGroup, members.length ? { name, members } : { name });
    output.result(result, () => ('removed' in result ? `removed group ${result.removed}` : `group ${result.name}: ${result.members.join(', ') || '(no members)'}`));
  });
}

export function groupList(globals: GlobalOptions): Promise<void> {
  return withClient(globals, async (client, output) => output.groups((await client.request(Methods.listUsers, {})).groups));
}
