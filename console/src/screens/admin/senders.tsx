import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useEmailSender, useFax, useWrite } from '../../api/admin';
import { ErrorNote, Field } from '../../ui/components';
import { ConfirmDelete } from '../../ui/managed-item';

/** The From address and name of email and fax copies; without one, email copies are refused at compose. */
export function EmailSender() {
  const sender = useEmailSender();
  const [draft, setDraft] = useState<{ address?: string; name?: string }>({});
  const address = draft.address ?? sender.data?.address ?? '';
  const name = draft.name ?? sender.data?.name ?? '';
  const stale = [['admin', 'email-sender']];
  const save = useWrite(() => unwrap(api.PUT('/v1/channels/email-sender', { body: { address, name } })), stale);
  return (
    <form
      className="panel"
      aria-labelledby="sender-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(undefined, { onSuccess: () => setDraft({}) });
      }}
    >
      <h2 id="sender-title">Expéditeur des e-mails</h2>
      {sender.data === null ? <p className="muted">Aucun expéditeur : les copies par e-mail sont refusées.</p> : null}
      <div className="grid">
        <Field label="Adresse d’expédition">{(id) => <input id={id} type="email" required value={address} onChange={(e) => setDraft((d) => ({ ...d, address: e.target.value }))} />}</Field>
        <Field label="Nom affiché">{(id) => <input id={id} required maxLength={120} value={name} onChange={(e) => setDraft((d) => ({ ...d, name: e.target.value }))} />}</Field>
      </div>
      <ErrorNote error={save.error ?? sender.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Enregistrer l’expéditeur
        </button>
        {sender.data ? <ConfirmDelete name="l’expéditeur des e-mails" stale={stale} remove={() => unwrap(api.DELETE('/v1/channels/email-sender'))} /> : null}
      </div>
    </form>
  );
}

export function Fax() {
  const fax = useFax();
  const [pattern, setPattern] = useState<string | null>(null);
  const value = pattern ?? fax.data?.addressPattern ?? '';
  const stale = [['admin', 'fax']];
  const save = useWrite(() => unwrap(api.PUT('/v1/channels/fax', { body: { addressPattern: value } })), stale);
  return (
    <form
      className="panel"
      aria-labelledby="fax-title"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(undefined, { onSuccess: () => setPattern(null) });
      }}
    >
      <h2 id="fax-title">Passerelle fax</h2>
      {fax.data === null ? <p className="muted">Aucune passerelle : les copies par fax sont refusées.</p> : null}
      <Field label="Adresse de la passerelle" hint="{number} est remplacé par le numéro de fax (33123456789)">
        {(id) => <input id={id} required value={value} placeholder="{number}@fax.example" onChange={(e) => setPattern(e.target.value)} />}
      </Field>
      <ErrorNote error={save.error ?? fax.error} />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Enregistrer la passerelle
        </button>
        {fax.data ? (
          <ConfirmDelete
            name="la passerelle fax"
            stale={stale}
            remove={async () => {
              await unwrap(api.DELETE('/v1/channels/fax'));
              setPattern(null);
            }}
          />
        ) : null}
      </div>
    </form>
  );
}
