import { useState, type FormEvent } from 'react';
import { ActionError, Empty, useAction } from '../../components.tsx';
import { del, patch, post } from '../../lib/api.ts';
import { navigate } from '../../lib/router.tsx';
import { useSession } from '../../lib/session.tsx';
import { IDPS, idpLabel } from '../../idp-steps.tsx';
import type { Directory } from '../../types.ts';

const ATTRIBUTE_TYPES = ['string', 'boolean', 'integer', 'decimal', 'dateTime', 'reference'];

export function DirectorySettings({ directory, onChanged }: { directory: Directory; onChanged: () => void }) {
  const { canWrite } = useSession();
  return (
    <>
      <General directory={directory} onChanged={onChanged} canWrite={canWrite} />
      <Allowlist directory={directory} onChanged={onChanged} canWrite={canWrite} />
      <Attributes directory={directory} onChanged={onChanged} canWrite={canWrite} />
      {canWrite && <Danger directory={directory} onChanged={onChanged} />}
    </>
  );
}

type Props = { directory: Directory; onChanged: () => void; canWrite: boolean };

function General({ directory, onChanged, canWrite }: Props) {
  const [name, setName] = useState(directory.name);
  const [idp, setIdp] = useState(directory.idp);
  const [passwordMode, setPasswordMode] = useState(directory.passwordMode);
  const [saved, setSaved] = useState(false);
  const action = useAction();
  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    if (await action.run(() => patch(`/directories/${directory.id}`, { name: name.trim(), idp, passwordMode }))) {
      setSaved(true);
      onChanged();
    }
  }
  if (!canWrite) {
    return (
      <section className="card" aria-labelledby="general-title">
        <h2 id="general-title">Settings</h2>
        <dl className="facts">
          <dt>Name</dt><dd>{directory.name}</dd>
          <dt>IdP</dt><dd>{idpLabel(directory.idp)}</dd>
          <dt>Passwords the IdP sends</dt><dd>{directory.passwordMode === 'store' ? 'kept as a hash' : 'dropped'}</dd>
        </dl>
      </section>
    );
  }
  return (
    <form className="card form" onSubmit={save} aria-labelledby="general-title">
      <h2 id="general-title">Settings</h2>
      <div className="field">
        <label htmlFor="set-name">Name</label>
        <input id="set-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="set-idp">IdP profile</label>
        <select id="set-idp" value={idp} onChange={(e) => setIdp(e.target.value)}>
          {IDPS.map((i) => <option key={i.value} value={i.value}>{i.label}</option>)}
        </select>
        <small>The profile decides which of the IdP's known quirks Roster straightens out.</small>
      </div>
      <div className="field">
        <label htmlFor="set-password">Passwords the IdP sends</label>
        <select id="set-password" value={passwordMode} onChange={(e) => setPasswordMode(e.target.value as Directory['passwordMode'])}>
          <option value="ignore">Drop them (default)</option>
          <option value="store">Keep a scrypt hash (for apps that verify passwords)</option>
        </select>
      </div>
      <ActionError error={action.error} />
      <div className="row">
        <button type="submit" disabled={action.busy}>Save settings</button>
        {saved && <span role="status" className="ok">Saved.</span>}
      </div>
    </form>
  );
}

function Allowlist({ directory, onChanged, canWrite }: Props) {
  const [text, setText] = useState((directory.ipAllowlist ?? []).join('\n'));
  const [saved, setSaved] = useState(false);
  const action = useAction();
  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const list = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    if (await action.run(() => patch(`/directories/${directory.id}`, { ipAllowlist: list.length ? list : null }))) {
      setSaved(true);
      onChanged();
    }
  }
  return (
    <form className="card form" onSubmit={save} aria-labelledby="allow-title">
      <h2 id="allow-title">IP allow-list</h2>
      <p className="muted">SCIM calls from other addresses get 403. Empty: any address. Behind a proxy, set ROSTER_TRUSTED_PROXIES.</p>
      {canWrite ? (
        <>
          <div className="field">
            <label htmlFor="allowlist">Allowed addresses (CIDR, one a line)</label>
            <textarea id="allowlist" rows={4} value={text} onChange={(e) => setText(e.target.value)} className="mono" placeholder={'203.0.113.0/24\n2001:db8::/32'} />
          </div>
          <ActionError error={action.error} />
          <div className="row">
            <button type="submit" disabled={action.busy}>Save allow-list</button>
            {saved && <span role="status" className="ok">Saved.</span>}
          </div>
        </>
      ) : directory.ipAllowlist?.length ? (
        <ul>{directory.ipAllowlist.map((c) => <li key={c} className="mono">{c}</li>)}</ul>
      ) : (
        <Empty>Any address may call.</Empty>
      )}
    </form>
  );
}

function Attributes({ directory, onChanged, canWrite }: Props) {
  const [name, setName] = useState('');
  const [type, setType] = useState('string');
  const [multiValued, setMultiValued] = useState(false);
  const [description, setDescription] = useState('');
  const action = useAction();
  async function add(e: FormEvent) {
    e.preventDefault();
    if (await action.run(() => post(`/directories/${directory.id}/attributes`, { name: name.trim(), type, multiValued, ...(description.trim() ? { description: description.trim() } : {}) }))) {
      setName('');
      setDescription('');
      onChanged();
    }
  }
  async function remove(attr: string) {
    if (!window.confirm(`Remove the attribute ${attr}? Values already stored stay in the resources.`)) return;
    const done = await action.run(async () => {
      await del(`/directories/${directory.id}/attributes/${encodeURIComponent(attr)}`);
      return true;
    });
    if (done) onChanged();
  }
  return (
    <section className="card" aria-labelledby="attr-title">
      <h2 id="attr-title">Custom attributes</h2>
      <p className="muted">Attributes the IdP may send beyond the standard ones, in the schema <code>urn:roster:params:scim:schemas:extension:custom:2.0:User</code> (Okta: Refresh Attribute List).</p>
      {directory.customAttributes.length === 0 ? (
        <Empty>None declared.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Multi-valued</th><th scope="col">Description</th>{canWrite && <th scope="col"><span className="visually-hidden">Actions</span></th>}</tr></thead>
            <tbody>
              {directory.customAttributes.map((a) => (
                <tr key={a.name}>
                  <th scope="row" className="mono">{a.name}</th>
                  <td>{a.type}</td>
                  <td>{a.multiValued ? 'yes' : 'no'}</td>
                  <td>{a.description || '—'}</td>
                  {canWrite && <td><button type="button" className="danger" onClick={() => void remove(a.name)}>Remove</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ActionError error={action.error} />
      {canWrite && (
        <form className="form inline-form" onSubmit={add} aria-label="Add an attribute">
          <div className="field">
            <label htmlFor="attr-name">Name</label>
            <input id="attr-name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} placeholder="costCenter" />
          </div>
          <div className="field">
            <label htmlFor="attr-type">Type</label>
            <select id="attr-type" value={type} onChange={(e) => setType(e.target.value)}>
              {ATTRIBUTE_TYPES.map((t) => <option key={t}>{t}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="attr-desc">Description</label>
            <input id="attr-desc" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
          </div>
          <label className="checkbox"><input type="checkbox" checked={multiValued} onChange={(e) => setMultiValued(e.target.checked)} /> Multi-valued</label>
          <button type="submit" disabled={action.busy}>Add attribute</button>
        </form>
      )}
    </section>
  );
}

function Danger({ directory, onChanged }: { directory: Directory; onChanged: () => void }) {
  const action = useAction();
  const paused = directory.status === 'paused';
  async function toggle() {
    if (await action.run(() => post(`/directories/${directory.id}/${paused ? 'resume' : 'pause'}`))) onChanged();
  }
  async function remove() {
    const typed = window.prompt(`Delete “${directory.name}” and every user and group it holds? Type the directory's name to confirm.`);
    if (typed !== directory.name) return;
    const done = await action.run(async () => {
      await del(`/directories/${directory.id}`);
      return true;
    });
    if (done) navigate('/directories');
  }
  return (
    <section className="card danger-zone" aria-labelledby="danger-title">
      <h2 id="danger-title">Pause or delete</h2>
      <p className="muted">A paused directory answers its IdP with an error (never a silent success), so the IdP retries later.</p>
      <ActionError error={action.error} />
      <div className="row">
        <button type="button" onClick={() => void toggle()} disabled={action.busy}>{paused ? 'Resume provisioning' : 'Pause provisioning'}</button>
        <button type="button" className="danger" onClick={() => void remove()} disabled={action.busy}>Delete directory</button>
      </div>
    </section>
  );
}
