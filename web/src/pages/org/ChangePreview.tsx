import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ActionError, useAction } from '../../components.tsx';
import { Link } from '../../lib/router.tsx';
import type { Changes } from './org-types.ts';
import './org.css';

const SHOWN = 25;

/**
 * The accounts one line of a change names: the first ones by the names the server sent with the
 * change (`changes.names`, looked up in one query), linked unless the account does not exist (one a
 * preview would create, or one the change deleted), then how many more.
 */
function AccountList({ ids, label, names, gone }: { ids: readonly string[]; label: string; names: Readonly<Record<string, string>>; gone: ReadonlySet<string> }) {
  if (ids.length === 0) return null;
  return (
    <div className="change-line">
      <strong>{label}</strong> <span className="badge">{ids.length.toLocaleString()}</span>
      <ul className="chips" aria-label={label}>
        {ids.slice(0, SHOWN).map((id) => {
          const name = names[id] ?? `${id.slice(0, 8)}…`;
          return <li key={id}>{gone.has(id) ? <span className="chip">{name}</span> : <Link to={`/accounts/${id}`}>{name}</Link>}</li>;
        })}
        {ids.length > SHOWN && <li><span className="chip muted">and {(ids.length - SHOWN).toLocaleString()} more</span></li>}
      </ul>
    </div>
  );
}

export function isEmptyChange(c: Changes): boolean {
  const a = c.accounts;
  return (
    c.groupsCreated.length === 0 &&
    c.apps.every((x) => x.granted.length + x.revoked.length + x.queued.length === 0) &&
    c.groups.every((g) => g.added.length + g.removed.length === 0) &&
    a.created.length + a.updated.length + a.deactivated.length + a.reactivated.length + a.deleted.length === 0
  );
}

/** What a change would do, as the server computed it by running it and rolling back (`?preview=true`). */
export function ChangeSummary({ changes, done = false }: { changes: Changes; done?: boolean }) {
  // The same summary says what a preview would do, or what an applied change did.
  const t = (would: string, did: string) => (done ? did : would);
  const n = (id: string) => changes.names[id] ?? id;
  // Accounts with no page: those a preview would create (rolled back), those an applied change deleted.
  const gone = new Set(done ? changes.accounts.deleted : changes.accounts.created);
  const list = (ids: readonly string[], label: string) => <AccountList ids={ids} label={label} names={changes.names} gone={gone} />;
  if (isEmptyChange(changes)) return <p className="muted" data-testid="preview-empty">{t('No account, group or access would change.', 'No account, group or access changed.')}</p>;
  return (
    <div className="change-summary" data-testid="change-summary">
      {changes.apps.map((a) => (
        <section key={a.appId} aria-label={`App ${n(a.appId)}`}>
          <h4>App “{n(a.appId)}”</h4>
          {list(a.granted, t('Would gain access', 'Gained access'))}
          {list(a.queued, t('Would queue for a seat', 'Queued for a seat'))}
          {list(a.revoked, t('Would lose access', 'Lost access'))}
        </section>
      ))}
      {changes.groups.map((g) => (
        <section key={g.groupId} aria-label={`Group ${n(g.groupId)}`}>
          <h4>Group “{n(g.groupId)}”</h4>
          {list(g.added, t('Would join', 'Joined'))}
          {list(g.removed, t('Would leave', 'Left'))}
        </section>
      ))}
      {changes.groupsCreated.length > 0 && (
        <section>
          <h4>New org groups</h4>
          <ul className="chips">{changes.groupsCreated.map((g) => <li key={g}><span className="chip">{g}</span></li>)}</ul>
        </section>
      )}
      {(['created', 'updated', 'deactivated', 'reactivated', 'deleted'] as const).some((k) => changes.accounts[k].length > 0) && (
        <section>
          <h4>Accounts</h4>
          {list(changes.accounts.created, 'Created')}
          {list(changes.accounts.updated, 'Updated')}
          {list(changes.accounts.deactivated, 'Deactivated')}
          {list(changes.accounts.reactivated, 'Reactivated')}
          {list(changes.accounts.deleted, 'Deleted')}
        </section>
      )}
    </div>
  );
}

export interface PendingChange {
  readonly title: string;
  readonly changes: Changes;
  readonly confirmLabel: string;
  readonly apply: () => Promise<unknown>;
  readonly danger?: boolean;
}

/**
 * Preview, then confirm: `start` asks the server for the preview and shows it; nothing is saved
 * until the admin presses the confirm button, which sends the same change without `preview`.
 */
export function usePreviewedChange(onApplied: () => void) {
  const [pending, setPending] = useState<PendingChange | null>(null);
  const action = useAction();
  // The preview takes the focus when it appears, so a keyboard (or screen reader) user lands on it.
  const region = useRef<HTMLElement>(null);
  useEffect(() => {
    if (pending) region.current?.focus();
  }, [pending]);
  async function start(load: () => Promise<{ changes: Changes }>, rest: Omit<PendingChange, 'changes'>) {
    setPending(null);
    const answer = await action.run(load);
    if (answer) setPending({ ...rest, changes: answer.changes });
  }
  async function confirm() {
    if (!pending) return;
    const done = await action.run(async () => {
      await pending.apply();
      return true;
    });
    if (done) {
      setPending(null);
      onApplied();
    }
  }
  function panel(extra?: ReactNode) {
    return (
      <>
        <ActionError error={action.error} />
        {pending && (
          <section ref={region} tabIndex={-1} className="card preview-panel" role="region" aria-label="Preview" data-testid="preview">
            <h3>Preview: {pending.title}</h3>
            <p className="muted">Nothing has changed yet. This is what Roster computed by running the change and rolling it back.</p>
            <ChangeSummary changes={pending.changes} />
            {extra}
            <div className="row">
              <button type="button" className={pending.danger ? 'danger' : undefined} disabled={action.busy} onClick={() => void confirm()}>
                {pending.confirmLabel}
              </button>
              <button type="button" className="secondary" onClick={() => setPending(null)}>Cancel</button>
            </div>
          </section>
        )}
      </>
    );
  }
  return { start, pending, busy: action.busy, error: action.error, panel, cancel: () => setPending(null) };
}
