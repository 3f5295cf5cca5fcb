import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { nullableText, useSmsNumbers, useWrite } from '../../api/admin';
import { Badge, ErrorNote, Field } from '../../ui/components';
import { ManagedItem } from '../../ui/managed-item';

const STALE = [['admin', 'sms-numbers']];
const EMPTY = { phoneNumber: '', accountSid: '', authToken: '' };

/** Twilio numbers: add, edit (a change is checked with Twilio again; the token is never shown), delete. */
export function SmsNumbers() {
  const numbers = useSmsNumbers();
  const [form, setForm] = useState(EMPTY);
  const add = useWrite(() => unwrap(api.POST('/v1/channels/sms-numbers', { body: { ...form, phoneNumber: nullableText(form.phoneNumber) } })), STALE);
  const text = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  return (
    <section className="panel" aria-labelledby="sms-title">
      <h2 id="sms-title">Numéros SMS</h2>
      <ErrorNote error={numbers.error} />
      <ul>
        {numbers.data?.items.map((n) => {
          const shown = n.phoneNumber ?? n.messagingServiceSid ?? '';
          return (
            <ManagedItem
              key={n.id}
              testId="sms-number"
              name={`le numéro ${shown}`}
              stale={STALE}
              edit={{
                start: () => ({ phoneNumber: n.phoneNumber ?? '', accountSid: n.accountSid, authToken: '' }),
                fields: (draft, change) => (
                  <div className="grid">
                    <Field label="Numéro (format international)">{(id) => <input id={id} value={draft.phoneNumber} onChange={(e) => change({ phoneNumber: e.target.value })} />}</Field>
                    <Field label="Compte Twilio (Account SID)">{(id) => <input id={id} required value={draft.accountSid} onChange={(e) => change({ accountSid: e.target.value })} />}</Field>
                    <Field label="Jeton Twilio (Auth Token)" hint="Laisser vide pour garder le jeton enregistré">
                      {(id) => <input id={id} type="password" autoComplete="new-password" value={draft.authToken} onChange={(e) => change({ authToken: e.target.value })} />}
                    </Field>
                  </div>
                ),
                save: ({ phoneNumber, accountSid, authToken }) =>
                  unwrap(
                    api.PATCH('/v1/channels/sms-numbers/{id}', {
                      params: { path: { id: n.id } },
                      body: { phoneNumber: nullableText(phoneNumber.trim() || null), accountSid, ...(authToken ? { authToken } : {}) },
                    }),
                  ),
              }}
              remove={() => unwrap(api.DELETE('/v1/channels/sms-numbers/{id}', { params: { path: { id: n.id } } }))}
            >
              {shown} · compte {n.accountSid} {n.verifiedAt ? <Badge tone="ok">vérifié</Badge> : <Badge tone="warn">non vérifié</Badge>}
            </ManagedItem>
          );
        })}
      </ul>
      <form
        aria-label="Nouveau numéro SMS"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(undefined, { onSuccess: () => setForm(EMPTY) });
        }}
      >
        <div className="grid">
          <Field label="Numéro (format international)">{(id) => <input id={id} required value={form.phoneNumber} onChange={text('phoneNumber')} />}</Field>
          <Field label="Compte Twilio (Account SID)">{(id) => <input id={id} required value={form.accountSid} onChange={text('accountSid')} />}</Field>
          <Field label="Jeton Twilio (Auth Token)">{(id) => <input id={id} type="password" required value={form.authToken} onChange={text('authToken')} />}</Field>
        </div>
        <ErrorNote error={add.error} />
        <div className="actions">
          <button type="submit" disabled={add.isPending}>
            Ajouter le numéro
          </button>
        </div>
      </form>
    </section>
  );
}
