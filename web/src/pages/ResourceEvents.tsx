import { useState } from 'react';
import { CursorPager, Empty, ErrorBox, Loading, Time } from '../components.tsx';
import { get, qs } from '../lib/api.ts';
import { useLoad } from '../lib/use-load.ts';
import type { EventEnvelope } from '../types.ts';

/** A user's or group's events, newest first, a page at a time. */
export function ResourceEvents({ directoryId, resourceId }: { directoryId: string; resourceId: string }) {
  const [before, setBefore] = useState<number[]>([]);
  const page = useLoad(
    () => get<{ events: (EventEnvelope & { seq: number })[]; next: number | null }>(`/directories/${directoryId}/resources/${resourceId}/events${qs({ before: before[before.length - 1], limit: 20 })}`),
    [directoryId, resourceId, before],
  );
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">Event history</h2>
      {page.error ? (
        <ErrorBox error={page.error} retry={page.reload} />
      ) : !page.data ? (
        <Loading what="Loading events" />
      ) : page.data.events.length === 0 ? (
        <Empty>No event.</Empty>
      ) : (
        <ol className="timeline">
          {page.data.events.map((e) => (
            <li key={e.id}>
              <details>
                <summary>
                  <code>{e.type}</code> <Time at={e.at} />
                  {Array.isArray(e.changed) && e.changed.length > 0 ? <span className="muted"> — {(e.changed as string[]).join(', ')}</span> : null}
                </summary>
                <pre className="json">{JSON.stringify(e.data, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
      <CursorPager
        label="Event pages"
        backLabel="Newer"
        forwardLabel="Older"
        back={before.length ? () => setBefore(before.slice(0, -1)) : undefined}
        forward={page.data?.next ? () => setBefore([...before, page.data!.next!]) : undefined}
      />
    </section>
  );
}
