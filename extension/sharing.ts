/**
 * The pure parts of Share…, Unshare… and Publish: grants in words, and the Quick Pick items for
 * choosing whom to share with (the gateway's users and groups, plus the whole team), what they
 * may do, and which grant to take back.
 */
import type { GrantInfo, Grantee, ListUsersResult, ObjectAccessInfo, WhoAmIResult } from '../protocol';

/** `bob`, `group analysts`, `the whole team`. */
export function granteeText(to: Grantee): string {
  switch (to.kind) {
    case 'user':
      return to.name;
    case 'group':
      return `group ${to.name}`;
    case 'team':
      return 'the whole team';
  }
}

function accessText(write: boolean): string {
  return write ? 'read & write' : 'read only';
}

/** `bob (read only)`; with `access: false`, just `bob`. */
export function grantText(grant: Pick<GrantInfo, 'to' | 'write'>, { access = true }: { access?: boolean } = {}): string {
  return access ? `${granteeText(grant.to)} (${accessText(grant.write)})` : granteeText(grant.to);
}

export function sameGrantee(a: Grantee, b: Grantee): boolean {
  if (a.kind === 'team' || b.kind === 'team') return a.kind === b.kind;
  return a.kind === b.kind && a.name.toLowerCase() === b.name.toLowerCase();
}

export interface GranteePickItem {
  label: string;
  description?: string;
  detail?: string;
  grantee: Grantee;
}

/** The label of the whole-team item. */
export const WHOLE_TEAM_LABEL = 'Whole team';

/**
 * Whom to share `frame` with: the whole team first (unless the frame is published already), then
 * groups, then users, each sorted, leaving out yourself and the owner (who can read it anyway).
 * Existing grants are marked, so picking one changes its access.
 */
export function sharePickItems(frame: ObjectAccessInfo, directory: ListUsersResult, me: WhoAmIResult): GranteePickItem[] {
  const grants = frame.grants ?? [];
  const current = (to: Grantee): string | undefined => {
    const grant = grants.find((g) => sameGrantee(g.to, to));
    return grant ? `already shared: ${accessText(grant.write)}` : undefined;
  };
  const items: GranteePickItem[] = [];
  if (!frame.published) {
    items.push({ label: WHOLE_TEAM_LABEL, description: 'everyone on this gateway', grantee: { kind: 'team' } });
  }
  for (const group of [...directory.groups].sort((a, b) => a.name.localeCompare(b.name))) {
    const to: Grantee = { kind: 'group', name: group.name };
    const members = `${group.members.length} ${group.members.length === 1 ? 'member' : 'members'}`;
    items.push({
      label: group.name,
      description: ['group', members, current(to)].filter(Boolean).join(' · '),
      ...(group.members.length > 0 ? { detail: group.members.join(', ') } : {}),
      grantee: to,
    });
  }
  for (const user of [...directory.users].sort((a, b) => a.name.localeCompare(b.name))) {
    if (user.name === me.user || user.name === frame.owner) continue;
    const to: Grantee = { kind: 'user', name: user.name };
    items.push({ label: user.name, description: ['user', ...(user.admin ? ['admin'] : []), current(to)].filter(Boolean).join(' · '), grantee: to });
  }
  return items;
}

export interface AccessPickItem {
  label: string;
  description: string;
  write: boolean;
}

export function accessPickItems(to: Grantee): AccessPickItem[] {
  const who = to.kind === 'team' ? 'Everyone' : to.kind === 'group' ? 'Its members' : 'They';
  return [
    { label: 'Read only', description: `${who} can preview and query it`, write: false },
    { label: 'Read & write', description: `${who} can also save new versions of it`, write: true },
  ];
}

export interface GrantPickItem {
  label: string;
  description: string;
  grant: GrantInfo;
}

/** The frame's grants to take back, the whole team first, then by name. */
export function unsharePickItems(frame: ObjectAccessInfo): GrantPickItem[] {
  const order = { team: 0, group: 1, user: 2 } as const;
  return [...(frame.grants ?? [])]
    .sort((a, b) => order[a.to.kind] - order[b.to.kind] || granteeText(a.to).localeCompare(granteeText(b.to)))
    .map((grant) => ({
      label: grant.to.kind === 'team' ? WHOLE_TEAM_LABEL : grant.to.name,
      description: `${grant.to.kind === 'team' ? 'published' : grant.to.kind} · ${accessText(grant.write)} · shared by ${grant.by}`,
      grant,
    }));
}

/** What the user is told after a share. */
export function sharedMessage(frame: string, to: Grantee, write: boolean): string {
  return to.kind === 'team' ? `Published ${frame} to the whole team (${accessText(write)}).` : `Shared ${frame} with ${granteeText(to)} (${accessText(write)}).`;
}

export function unsharedMessage(frame: string, to: Grantee): string {
  return to.kind === 'team' ? `${frame} is no longer published to the whole team.` : `${frame} is no longer shared with ${granteeText(to)}.`;
}
