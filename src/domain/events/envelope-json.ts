import type { EventRecord, FeedEventRecord } from '../../store/store.ts';

/** An event as the feed and webhooks hand it to consumers (docs/events.md, "The envelope"): the outbox record without its outbox position. */
export type EventEnvelope = Omit<EventRecord, 'seq'>;

/** The envelope of a feed event, its `data` and `changed` parsed (the CLI, tests). */
export function toEnvelope(e: FeedEventRecord): EventEnvelope {
  return {
    id: e.id,
    type: e.type,
    schemaVersion: e.schemaVersion,
    at: e.at,
    directoryId: e.directoryId,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    data: JSON.parse(e.dataJson),
    changed: e.changedJson === null ? null : (JSON.parse(e.changedJson) as string[]),
  };
}

/**
 * The envelope as JSON text, with the same keys in the same order as JSON.stringify of `toEnvelope`
 * (and `cursor` last when given), `data` and `changed` spliced in as stored. A feed page of 1,000
 * events spent a third of its CPU parsing each event's data and serializing it again (measured,
 * docs/benchmarks.md); a webhook body the same, per delivery, in the delivery thread.
 */
export function envelopeJson(e: FeedEventRecord, cursor?: string): string {
  const str = JSON.stringify;
  return (
    `{"id":${str(e.id)},"type":${str(e.type)},"schemaVersion":${e.schemaVersion},"at":${str(e.at)},"directoryId":${e.directoryId === null ? 'null' : str(e.directoryId)},` +
    `"resourceType":${str(e.resourceType)},"resourceId":${str(e.resourceId)},"data":${e.dataJson},"changed":${e.changedJson ?? 'null'}` +
    (cursor === undefined ? '}' : `,"cursor":${str(cursor)}}`)
  );
}
