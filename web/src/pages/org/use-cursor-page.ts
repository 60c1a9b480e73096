import { useState } from 'react';
import { useLoad, type Loaded } from '../../lib/use-load.ts';

/**
 * A list paged by the server's cursor (`nextCursor`, null at the end): one page in memory, the
 * cursors of the pages before it kept to go back. A million-row list costs one page.
 */
export function useCursorPage<T extends { nextCursor: string | null }>(load: (cursor: string | undefined) => Promise<T>, deps: readonly unknown[]) {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  // A new filter starts again at the first page.
  const cursors = state.key === key ? state.cursors : [];
  const cursor = cursors[cursors.length - 1];
  const page: Loaded<T> = useLoad(() => load(cursor), [key, cursor]);
  const next = page.data?.nextCursor;
  return {
    page,
    pageNumber: cursors.length + 1,
    back: cursors.length > 0 ? () => setState({ key, cursors: cursors.slice(0, -1) }) : undefined,
    forward: next ? () => setState({ key, cursors: [...cursors, next] }) : undefined,
  };
}
