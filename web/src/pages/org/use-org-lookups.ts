import { get } from '../../lib/api.ts';
import { useLoad } from '../../lib/use-load.ts';
import type { Directory } from '../../types.ts';
import type { App, OrgGroup } from './org-types.ts';

/** Directory names by id, for the pages that show a directory's id (links, sources, held deprovisions). */
export function useDirectories() {
  return useLoad(() => get<{ directories: Directory[] }>('/directories').then((d) => d.directories), []);
}

export function useApps() {
  return useLoad(() => get<{ apps: App[] }>('/apps').then((a) => a.apps), []);
}

/** The first 200 org groups, for filter and grant pickers; a search narrows them on the server. */
export function useGroupChoices(search = '') {
  return useLoad(() => get<{ groups: OrgGroup[] }>(`/org-groups?limit=200${search ? `&search=${encodeURIComponent(search)}` : ''}`).then((g) => g.groups), [search]);
}

export function directoryName(directories: readonly Directory[] | undefined, id: string): string {
  return directories?.find((d) => d.id === id)?.name ?? `${id.slice(0, 8)}…`;
}
