import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useOptOuts, useWrite } from '../../api/admin';
import { ErrorNote, Field, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { type Channel, CHANNEL_LABEL } from '../../ui/words';

/** The form's choices, SMS (the default) first. */
const OPT_OUT_CHANNELS: Channel[] = ['sms', 'email', 'fax'];
const STALE = [['admin', 'opt-outs']];

/** Addresses and numbers no copy goes to (STOP answers, bounces, added by hand). */
export default function OptOutsSection() {
  const list = useOptOuts();
  const [form, setForm] = useState<{ channel: Channel; address: string; reason: string }>({ channel: 'sms', address: '', reason: '' });
  const add = useWrite(() => unwrap(api.POST('/v1/opt-outs', { body: { channel: form.channel, address: form.address, ...(form.reason ? { reason: form.reason } : {}) } })), STALE);
  const remove = useWrite((id: string) => unwrap(api.DELETE('/v1/opt-outs/{id}', { params: { path: { id } } })), STALE);
  return (
    <>
      <form
        className="panel"
        aria-labelledby="new-opt-out-title"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(undefined, { onSuccess: () => setForm((f) => ({ ...f, address: '', reason: '' })) });
        }}
      >
        <h2 id="new-opt-out-title">Ajouter une désinscription</h2>
        <div className="grid">
          <Field label="Canal de la désinscription">
            {(id) => (
              <select id={id} value={form.channel} onChange={(e) => setForm((f) => ({ ...f, channel: e.target.value as Channel }))}>
                {OPT_OUT_CHANNELS.map((channel) => (
                  <option key={channel} value={channel}>
                    {CHANNEL_LABEL[channel]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Numéro ou adresse">{(id) => <input id={id} required value={form.address} onChange={(e) => setForm((f) => ({ ...f, address: e.target.value }))} />}</Field>
          <Field label="Raison (facultatif)">{(id) => <input id={id} value={form.reason} onChange={(e) => setForm((f) => ({ ...f, reason: e.target.value }))} />}</Field>
        </div>
        <ErrorNote error={add.error} />
        <div className="actions">
          <button type="submit" disabled={add.isPending}>
            Ajouter
          </button>
        </div>
      </form>
      <section className="panel" aria-labelledby="opt-outs-title">
        <h2 id="opt-outs-title">Désinscriptions</h2>
        {list.isPending ? <Loading /> : null}
        <ErrorNote error={list.error ?? remove.error} />
        {list.data?.items.length === 0 ? <p className="muted">Aucune désinscription.</p> : null}
        <ul>
          {list.data?.items.map((o) => (
            <li key={o.id}>
              {CHANNEL_LABEL[o.channel] ?? o.channel} · {o.address} <span className="muted">({o.source}{o.reason ? ` : ${o.reason}` : ''}, {formatDateTime(o.createdAt)})</span>{' '}
              <button type="button" className="link" aria-label={`Réactiver ${o.address}`} onClick={() => remove.mutate(o.id)}>
                Réactiver
              </button>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
