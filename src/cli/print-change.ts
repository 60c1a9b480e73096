import { out } from './admin-commands.ts';

interface Changes {
  readonly groups: readonly { groupId: string; added: readonly string[]; removed: readonly string[] }[];
  readonly apps: readonly { appId: string; granted: readonly string[]; revoked: readonly string[]; queued: readonly string[] }[];
  readonly accounts: Readonly<Record<string, readonly string[]>>;
  readonly groupsCreated: readonly string[];
  readonly names: Readonly<Record<string, string>>;
}

/**
 * What a change did, or (previewed) would do, to the organization layer, in lines an admin reads:
 * who gains or loses each app and group. `--json` prints the API's body instead.
 */
export function printChange(body: unknown, done: string): void {
  const { changes, preview } = body as { changes: Changes; preview?: boolean };
  out(preview ? 'Preview (nothing was written):' : done);
  const name = (id: string) => (changes.names[id] ? `"${changes.names[id]}"` : id);
  // The server names the first accounts of each list (`names`), in one query.
  const ids = (list: readonly string[]) => (list.length <= 5 ? list.map(name).join(', ') : `${list.slice(0, 5).map(name).join(', ')} and ${list.length - 5} more`);
  const lines: string[] = [];
  for (const a of changes.apps) {
    if (a.granted.length) lines.push(`app ${name(a.appId)}: ${a.granted.length} gain access (${ids(a.granted)})`);
    if (a.revoked.length) lines.push(`app ${name(a.appId)}: ${a.revoked.length} lose access (${ids(a.revoked)})`);
    if (a.queued.length) lines.push(`app ${name(a.appId)}: ${a.queued.length} wait for a seat (${ids(a.queued)})`);
  }
  for (const g of changes.groups) {
    if (g.added.length) lines.push(`group ${name(g.groupId)}: ${g.added.length} join (${ids(g.added)})`);
    if (g.removed.length) lines.push(`group ${name(g.groupId)}: ${g.removed.length} leave (${ids(g.removed)})`);
  }
  for (const [what, list] of Object.entries(changes.accounts)) if (list.length) lines.push(`accounts ${what}: ${list.length} (${ids(list)})`);
  if (changes.groupsCreated.length) lines.push(`groups created: ${changes.groupsCreated.join(', ')}`);
  for (const line of lines.length ? lines : ['no account gains or loses an app or a group']) out(`  ${line}`);
}
