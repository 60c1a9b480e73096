import type { DirectoryRecord, Store } from '../../store/store.ts';
import { DomainError } from '../domain-error.ts';

/** Loads a directory that exists and is not deleted. */
export async function mustGetDirectory(store: Store, id: string): Promise<DirectoryRecord> {
  const found = await store.read((q) => q.directories.get(id));
  if (!found || found.status === 'deleted') throw new DomainError('directory.not_found', `no directory ${id}`);
  return found;
}
