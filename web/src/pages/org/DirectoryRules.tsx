import { useState, type FormEvent, type ReactNode } from 'react';
import { Load } from '../../components.tsx';
import { get, patch } from '../../lib/api.ts';
import { Link } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { useLoad } from '../../lib/use-load.ts';
import type { Directory } from '../../types.ts';
import { usePreviewedChange } from './ChangePreview.tsx';
import type { Changes, GroupMapping, GuardSettings, RulesDoc, SyncSettings } from './org-types.ts';
import './org.css';

type Part = keyof RulesDoc;

const TITLES: Record<Part, string> = { attributes: 'attribute mapping', sync: 'sync settings', groups: 'group mapping', guard: 'mass-deprovision guard' };

/**
 * One part of the rules as a form. Saving asks for the preview first (PATCH …/rules?preview=true);
 * the confirm button then sends the same part for real. `build` turns the form into the part's JSON
 * or throws a message the admin can act on.
 */
function RulesPart({ directoryId, part, build, onSaved, children, intro }: { directoryId: string; part: Part; build: () => unknown; onSaved: () => void; children: ReactNode; intro?: ReactNode }) {
  const session = useSession();
  const change = usePreviewedChange(onSaved);
  const [formError, setFormError] = useState<string | null>(null);
  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    let value: unknown;
    try {
      value = build();
    } catch (err) {
      setFormError((err as Error).message);
      return;
    }
    const body = { [part]: value };
    void change.start(() => patch<{ changes: Changes }>(`/directories/${directoryId}/rules?preview=true`, body), {
      title: `save the ${TITLES[part]}`,
      confirmLabel: `Apply ${TITLES[part]}`,
      apply: () => patch(`/directories/${directoryId}/rules`, body),
    });
  }
  const id = `rules-${part}`;
  return (
    <form className="card form rules-form" onSubmit={submit} aria-labelledby={`${id}-title`} data-testid={id}>
      <h2 id={`${id}-title`}>{TITLES[part][0]!.toUpperCase() + TITLES[part].slice(1)}</h2>
      {intro}
      <fieldset disabled={!session.canWrite}>{children}</fieldset>
      {formError && <p className="action-error" role="alert">{formError}</p>}
      {session.canWrite && <button type="submit" disabled={change.busy}>Preview changes</button>}
      {change.panel()}
    </form>
  );
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

function Attributes({ directoryId, rules, defaults, onSaved }: { directoryId: string; rules: RulesDoc; defaults: RulesDoc | undefined; onSaved: () => void }) {
  const [fields, setFields] = useState(JSON.stringify(rules.attributes.fields, null, 2));
  const [custom, setCustom] = useState(JSON.stringify(rules.attributes.custom, null, 2));
  return (
    <RulesPart directoryId={directoryId} part="attributes" onSaved={onSaved} build={() => ({ fields: parseJson(fields, 'Fields'), custom: parseJson(custom, 'Custom attributes') })}
      intro={<p className="muted">Each account field from a value source: <code>{'{"path": "name.givenName"}'}</code>, <code>const</code>, <code>firstOf</code>, <code>concat</code>, <code>lower</code>, <code>replace</code> (docs/rules.md).</p>}>
      <div className="two-col">
        <div className="field">
          <label htmlFor="rules-fields">Fields (JSON)</label>
          <textarea id="rules-fields" value={fields} onChange={(e) => setFields(e.target.value)} spellCheck={false} rows={16} />
        </div>
        <div className="field">
          <label htmlFor="rules-custom">Custom attributes (JSON)</label>
          <textarea id="rules-custom" value={custom} onChange={(e) => setCustom(e.target.value)} spellCheck={false} rows={16} />
        </div>
      </div>
      {defaults && (
        <details>
          <summary>This IdP's defaults</summary>
          <pre className="json">{JSON.stringify(defaults.attributes, null, 2)}</pre>
          <button type="button" className="secondary" onClick={() => { setFields(JSON.stringify(defaults.attributes.fields, null, 2)); setCustom(JSON.stringify(defaults.attributes.custom, null, 2)); }}>
            Put the defaults in the editor
          </button>
        </details>
      )}
    </RulesPart>
  );
}

const SYNC_CHECKS: { key: 'allowCreate' | 'allowUpdate' | 'allowDeactivate' | 'autoReactivate'; label: string }[] = [
  { key: 'allowCreate', label: 'A SCIM create may create an account' },
  { key: 'allowUpdate', label: "A SCIM update may change the account's fields" },
  { key: 'allowDeactivate', label: 'A SCIM deactivation may deactivate the account' },
  { key: 'autoReactivate', label: 'A SCIM reactivation reactivates the account' },
];

function Sync({ directoryId, rules, onSaved }: { directoryId: string; rules: RulesDoc; onSaved: () => void }) {
  const [sync, setSync] = useState<SyncSettings>(rules.sync);
  return (
    <RulesPart directoryId={directoryId} part="sync" onSaved={onSaved} build={() => sync} intro={<p className="muted">A write these forbid is still acknowledged to the IdP and recorded as skipped.</p>}>
      <div className="check-grid">
        {SYNC_CHECKS.map((c) => (
          <label key={c.key} className="checkbox">
            <input type="checkbox" checked={sync[c.key]} onChange={(e) => setSync({ ...sync, [c.key]: e.target.checked })} /> {c.label}
          </label>
        ))}
      </div>
      <div className="two-col">
        <div className="field">
          <label htmlFor="sync-on-delete">An IdP DELETE</label>
          <select id="sync-on-delete" value={sync.onDelete} onChange={(e) => setSync({ ...sync, onDelete: e.target.value as SyncSettings['onDelete'] })}>
            <option value="deactivate">deactivates the account</option>
            <option value="delete">deletes the account (when no link remains)</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="sync-outside">Users outside the organization's domains</label>
          <select id="sync-outside" value={sync.outsideDomains} onChange={(e) => setSync({ ...sync, outsideDomains: e.target.value as SyncSettings['outsideDomains'] })}>
            <option value="external">become external accounts</option>
            <option value="refuse">are refused (SCIM 400)</option>
          </select>
        </div>
      </div>
    </RulesPart>
  );
}

function Groups({ directoryId, rules, onSaved }: { directoryId: string; rules: RulesDoc; onSaved: () => void }) {
  const g = rules.groups;
  const [mode, setMode] = useState<GroupMapping['mode']>(g.mode);
  const [keepExisting, setKeepExisting] = useState(g.keepExisting);
  const [include, setInclude] = useState((g.include ?? []).join('\n'));
  const [exclude, setExclude] = useState((g.exclude ?? []).join('\n'));
  const [renamePattern, setRenamePattern] = useState(g.rename?.pattern ?? '');
  const [renameWith, setRenameWith] = useState(g.rename?.with ?? '');
  const [map, setMap] = useState(JSON.stringify(g.map ?? [{ idpGroup: 'Engineering', orgGroups: ['developers'] }], null, 2));
  const [unmapped, setUnmapped] = useState(g.unmapped ?? 'ignore');
  function build(): GroupMapping {
    if (mode === 'off') return { mode, keepExisting };
    if (mode === 'on_the_fly') {
      return { mode, include: lines(include), exclude: lines(exclude), ...(renamePattern ? { rename: { pattern: renamePattern, with: renameWith } } : {}), keepExisting };
    }
    return { mode, map: parseJson(map, 'The mapping table') as GroupMapping['map'], unmapped, keepExisting };
  }
  return (
    <RulesPart directoryId={directoryId} part="groups" onSaved={onSaved} build={build} intro={<p className="muted">Which org groups the IdP's groups become. Names compare ignoring case.</p>}>
      <div className="field">
        <label htmlFor="groups-mode">Mode</label>
        <select id="groups-mode" value={mode} onChange={(e) => setMode(e.target.value as GroupMapping['mode'])}>
          <option value="on_the_fly">On the fly: each IdP group becomes the org group of its name</option>
          <option value="manual">Manual: a table maps IdP groups to org groups</option>
          <option value="off">Off: IdP groups map to nothing</option>
        </select>
      </div>
      {mode === 'on_the_fly' && (
        <>
          <div className="two-col">
            <div className="field">
              <label htmlFor="groups-include">Include (regular expressions, one a line; empty = every group)</label>
              <textarea id="groups-include" value={include} onChange={(e) => setInclude(e.target.value)} rows={4} spellCheck={false} />
            </div>
            <div className="field">
              <label htmlFor="groups-exclude">Exclude (one a line)</label>
              <textarea id="groups-exclude" value={exclude} onChange={(e) => setExclude(e.target.value)} rows={4} spellCheck={false} />
            </div>
          </div>
          <div className="two-col">
            <div className="field">
              <label htmlFor="groups-rename-pattern">Rename: pattern</label>
              <input id="groups-rename-pattern" value={renamePattern} onChange={(e) => setRenamePattern(e.target.value)} placeholder="^okta-" className="mono" />
            </div>
            <div className="field">
              <label htmlFor="groups-rename-with">Rename: replace with</label>
              <input id="groups-rename-with" value={renameWith} onChange={(e) => setRenameWith(e.target.value)} className="mono" />
            </div>
          </div>
        </>
      )}
      {mode === 'manual' && (
        <>
          <div className="field">
            <label htmlFor="groups-map">Mapping table (JSON: {'[{"idpGroup": "…", "orgGroups": ["…"]}]'})</label>
            <textarea id="groups-map" value={map} onChange={(e) => setMap(e.target.value)} rows={8} spellCheck={false} />
          </div>
          <div className="field">
            <label htmlFor="groups-unmapped">IdP groups without a row</label>
            <select id="groups-unmapped" value={unmapped} onChange={(e) => setUnmapped(e.target.value as 'ignore' | 'import')}>
              <option value="ignore">are ignored</option>
              <option value="import">are imported under their own name</option>
            </select>
          </div>
        </>
      )}
      <label className="checkbox">
        <input type="checkbox" checked={keepExisting} onChange={(e) => setKeepExisting(e.target.checked)} /> Keep memberships an admin gave by hand
      </label>
    </RulesPart>
  );
}

function Guard({ directoryId, rules, onSaved }: { directoryId: string; rules: RulesDoc; onSaved: () => void }) {
  const [guard, setGuard] = useState<GuardSettings>(rules.guard);
  const [share, setShare] = useState(String(Math.round(rules.guard.share * 1000) / 10));
  function build(): GuardSettings {
    const s = Number(share);
    if (!Number.isFinite(s) || s <= 0 || s > 100) throw new Error('The share must be a percentage above 0 and at most 100.');
    return { ...guard, share: s / 100 };
  }
  return (
    <RulesPart directoryId={directoryId} part="guard" onSaved={onSaved} build={build}
      intro={<p className="muted">Within the window, at most max(minimum, share × linked accounts) deactivations go through; the rest wait in <Link to="/held">Held deprovisions</Link> for an admin.</p>}>
      <label className="checkbox">
        <input type="checkbox" checked={guard.enabled} onChange={(e) => setGuard({ ...guard, enabled: e.target.checked })} /> Hold mass deprovisions
      </label>
      <div className="inline-form">
        <div className="field">
          <label htmlFor="guard-share">Share of linked accounts (%)</label>
          <input id="guard-share" type="number" min={0.1} max={100} step={0.1} value={share} onChange={(e) => setShare(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="guard-window">Window (minutes)</label>
          <input id="guard-window" type="number" min={1} step={1} value={guard.windowMinutes} onChange={(e) => setGuard({ ...guard, windowMinutes: Number(e.target.value) })} />
        </div>
        <div className="field">
          <label htmlFor="guard-min">Minimum count</label>
          <input id="guard-min" type="number" min={0} step={1} value={guard.minCount} onChange={(e) => setGuard({ ...guard, minCount: Number(e.target.value) })} />
        </div>
      </div>
    </RulesPart>
  );
}

/** A directory's rules tab: each part saved on its own, each save previewed before it applies. */
export function DirectoryRules({ directory }: { directory: Directory }) {
  const rules = useLoad(() => get<{ rules: RulesDoc; version: number }>(`/directories/${directory.id}/rules`), [directory.id]);
  const defaults = useLoad(() => get<RulesDoc>(`/rules/defaults?idp=${encodeURIComponent(directory.idp)}`), [directory.idp]);
  return (
    <Load state={rules} what="Loading the rules">
      {(r) => (
        <div key={r.version}>
          <p className="muted">
            {r.version === 0 ? "This directory uses its IdP's default rules." : `Rules version ${r.version}.`} Saving a part reconciles the directory's accounts; the preview says what would change first. See also <Link to="/domains">Domains</Link>.
          </p>
          <Attributes directoryId={directory.id} rules={r.rules} defaults={defaults.data} onSaved={rules.reload} />
          <Sync directoryId={directory.id} rules={r.rules} onSaved={rules.reload} />
          <Groups directoryId={directory.id} rules={r.rules} onSaved={rules.reload} />
          <Guard directoryId={directory.id} rules={r.rules} onSaved={rules.reload} />
        </div>
      )}
    </Load>
  );
}
