import { useEffect, useId, useState, type ReactNode } from 'react';
import type { Loaded } from './lib/use-load.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {what}…
    </p>
  );
}

export function ErrorBox({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div className="error-box" role="alert">
      <strong>Something went wrong.</strong> {error.message}
      {retry && (
        <button type="button" className="link-button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

/** A loaded block: the spinner, the API's error, or the content (with stale data kept while reloading). */
export function Load<T>({ state, children, what }: { state: Loaded<T>; children: (data: T) => ReactNode; what?: string }) {
  if (state.error) return <ErrorBox error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading what={what} />;
  return <>{children(state.data)}</>;
}

export function Time({ at, fallback = '—' }: { at: string | null | undefined; fallback?: string }) {
  if (!at) return <>{fallback}</>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={d.toISOString()}>
      {d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** A value with a Copy button: the token and base URL an admin pastes into the IdP. */
export function CopyField({ label, value, secret = false }: { label: string; value: string; secret?: boolean }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(t);
  }, [copied]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // Plain http on a LAN has no clipboard API: select the text so Ctrl+C copies it.
      const input = document.getElementById(id) as HTMLInputElement | null;
      input?.select();
      setCopied('no');
    }
  }
  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} readOnly value={value} className={secret ? 'mono secret' : 'mono'} onFocus={(e) => e.currentTarget.select()} data-testid={`copy-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`} />
        <button type="button" onClick={copy} aria-label={`Copy ${label}`}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {copied === 'no' && <small>Selected: press Ctrl+C (⌘C) to copy.</small>}
    </div>
  );
}

/** "Showing 51–100 of 1,234" with Previous / Next: every list is paged by the server. */
export function Pager({ startIndex, count, total, onPage }: { startIndex: number; count: number; total: number; onPage: (startIndex: number) => void }) {
  if (total === 0) return null;
  const last = Math.min(startIndex + count - 1, total);
  return (
    <nav className="pager" aria-label="Pages">
      <span>
        {startIndex.toLocaleString()}–{last.toLocaleString()} of {total.toLocaleString()}
      </span>
      <button type="button" disabled={startIndex <= 1} onClick={() => onPage(Math.max(1, startIndex - count))}>
        Previous
      </button>
      <button type="button" disabled={last >= total} onClick={() => onPage(startIndex + count)}>
        Next
      </button>
    </nav>
  );
}

/** Runs an action and shows its error next to the button that started it. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(e as Error);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run, clear: () => setError(null) };
}

export function ActionError({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <p className="action-error" role="alert">
      {error.message}
    </p>
  );
}

export function StatusBadge({ value }: { value: string }) {
  return <span className={`badge badge-${value.replace(/[^a-z_]/gi, '')}`}>{value.replace('_', ' ')}</span>;
}

export function JsonBlock({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

/** Newer/older (or previous/next) for cursor-paged lists; nothing when there is nowhere to go. */
export function CursorPager({ label, back, forward, backLabel, forwardLabel }: { label: string; back?: () => void; forward?: () => void; backLabel: string; forwardLabel: string }) {
  if (!back && !forward) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button type="button" disabled={!back} onClick={back}>{backLabel}</button>
      <button type="button" disabled={!forward} onClick={forward}>{forwardLabel}</button>
    </nav>
  );
}

/** A SCIM path without its `/scim/v2/<directoryId>` prefix: the directory is the page's. */
export function scimPath(path: string): string {
  return path.replace(/^\/scim\/v[12]\/[^/]+/i, '') || '/';
}
