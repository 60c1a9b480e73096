import type { Engine, PoolState } from '../../store/store.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * The metrics Roster exposes at `/metrics` (docs/visibility.md lists them). The `delivery` ones are
 * declared here so their names stay stable; the delivery worker fills them, from its thread through
 * the messages start-delivery-thread.ts receives.
 */
export function createOpsMetrics(registry: MetricsRegistry, sources: { engine: Engine; poolState: () => PoolState | undefined; requestLogBuffered: () => number }) {
  registry.gauge('roster_db_pool_connections', 'Database connections of this node by state (SQLite: one connection, no pool)', ['engine', 'state'], () => {
    const pool = sources.poolState();
    if (!pool) return [{ labels: { engine: sources.engine, state: 'total' }, value: 1 }];
    return [
      { labels: { engine: sources.engine, state: 'total' }, value: pool.total },
      { labels: { engine: sources.engine, state: 'idle' }, value: pool.idle },
      { labels: { engine: sources.engine, state: 'waiting' }, value: pool.waiting },
    ];
  });
  registry.gauge('roster_request_log_buffered', 'Request log entries waiting in memory for their batch to be written', [], () => [{ labels: {}, value: sources.requestLogBuffered() }]);
  return {
    registry,
    scimRequests: registry.counter('roster_scim_requests_total', 'SCIM requests answered, by directory, operation and status', ['directory', 'operation', 'status']),
    scimDuration: registry.histogram('roster_scim_request_duration_seconds', 'SCIM request latency from arrival to response, by directory and operation', ['directory', 'operation']),
    rateLimited: registry.counter('roster_scim_rate_limited_total', 'SCIM requests refused with 429 by the per-directory rate limit', ['directory']),
    requestLogWritten: registry.counter('roster_request_log_written_total', 'Request log entries written'),
    requestLogDropped: registry.counter('roster_request_log_dropped_total', 'Request log entries lost: the buffer was full or the database refused the batch'),
    tokenExpiryWarnings: registry.counter('roster_token_expiry_warnings_total', 'token.expiring warnings sent', ['threshold_days']),
    delivery: {
      outboxLagSeconds: registry.gauge('roster_outbox_lag_seconds', 'Age in seconds of the oldest event not yet delivered (set by the delivery worker)'),
      webhookAttempts: registry.counter('roster_webhook_attempts_total', 'Webhook delivery attempts by result: delivered or failed (set by the delivery worker)', ['result']),
      webhookDeadLetters: registry.counter('roster_webhook_dead_letters_total', 'Webhook deliveries that gave up after their last attempt (set by the delivery worker)'),
    },
  };
}

export type OpsMetrics = ReturnType<typeof createOpsMetrics>;
