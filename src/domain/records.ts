/**
 * What the domain hands its callers, re-exported here so that nothing above the domain (http/, the
 * CLI's commands, later the console API and workers) imports the store (DESIGN.md §2).
 */
export type { AuditActor, AuditRecord, LoggedRewrite, RequestLogEntry, RequestLogRecord } from '../store/records.ts';
export type { DeliveryStatus, DirectoryRecord, EventRecord, GroupRecord, GroupRef, MemberRecord, TokenRecord, UserRecord } from '../store/records.ts';
/** The database is unreachable or overloaded; the request may be retried (503 with Retry-After). */
export { StoreUnavailableError as UnavailableError } from '../store/store-errors.ts';
