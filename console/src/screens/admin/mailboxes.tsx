import { useState } from 'react';
import { api, unwrap } from '../../api/client';
import { useMailboxes, useWrite } from '../../api/admin';
import type { components } from '../../api/schema';
import { Badge, Checkbox, ErrorNote, Field, Loading } from '../../ui/components';
import { errorText } from '../../ui/error-words';
import { formatDateTime } from '../../ui/format';
import { ManagedItem } from '../../ui/managed-item';

type Mailbox = components['schemas']['Mailbox'];
type MailboxDraft = { name: string; host: string; port: string; secure: boolean; username: string; password: string; folder: string; processedFolder: string; failedFolder: string };
const STALE = [['admin', 'mailboxes']];

/** The fields of a mailbox, for its creation and its edit; `sealed`: the password is kept when left empty. */
function MailboxFields({ draft, change, sealed }: { draft: MailboxDraft; change: (patch: Partial<MailboxDraft>) => void; sealed: boolean }) {
  const text = (key: keyof MailboxDraft) => (e: { target: { value: string } }) => change({ [key]: e.target.value });
  return (
    <>
      <div className="grid">
        <Field label="Nom de la boîte">{(id) => <input id={id} required value={draft.name} onChange={text('name')} />}</Field>
        <Field label="Serveur IMAP">{(id) => <input id={id} required value={draft.host} onChange={text('host')} />}</Field>
        <Field label="Port">{(id) => <input id={id} required inputMode="numeric" value={draft.port} onChange={text('port')} />}</Field>
        <Field label="Identifiant">{(id) => <input id={id} required value={draft.username} onChange={text('username')} />}</Field>
        <Field label="Mot de passe de la boîte" hint={sealed ? 'Laisser vide pour garder le mot de passe enregistré' : undefined}>
          {(id) => <input id={id} type="password" autoComplete="new-password" required={!sealed} value={draft.password} onChange={text('password')} />}
        </Field>
        <Field label="Dossier relevé">{(id) => <input id={id} required value={draft.folder} onChange={text('folder')} />}</Field>
        <Field label="Dossier des messages traités">{(id) => <input id={id} required value={draft.processedFolder} onChange={text('processedFolder')} />}</Field>
        <Field label="Dossier des échecs">{(id) => <input id={id} required value={draft.failedFolder} onChange={text('failedFolder')} />}</Field>
      </div>
      <Checkbox label="Connexion chiffrée (TLS)" checked={draft.secure} onChange={(secure) => change({ secure })} />
    </>
  );
}

/** Mailboxes read for replies: test the connection, edit (the password is never shown), delete. */
export function Mailboxes() {
  const mailboxes = useMailboxes();
  return (
    <section className="panel" aria-labelledby="mailboxes-title">
      <h2 id="mailboxes-title">Boîtes aux lettres</h2>
      {mailboxes.isPending ? <Loading /> : null}
      <ErrorNote error={mailboxes.error} />
      {mailboxes.data?.length === 0 ? <p className="muted">Aucune boîte relevée.</p> : null}
      <ul>
        {mailboxes.data?.map((m) => (
          <ManagedItem
            key={m.id}
            testId="mailbox"
            name={`la boîte ${m.name}`}
            stale={STALE}
            edit={{
              start: () => ({ ...m, port: String(m.port), password: '', active: m.active }),
              fields: (draft, change) => (
                <>
                  <MailboxFields draft={draft} change={change} sealed />
                  <Checkbox label="Boîte relevée (active)" checked={draft.active} onChange={(active) => change({ active })} />
                </>
              ),
              save: (d) =>
                unwrap(
                  api.PATCH('/v1/channels/mailboxes/{id}', {
                    params: { path: { id: m.id } },
                    body: {
                      name: d.name, host: d.host, port: Number(d.port), secure: d.secure, username: d.username, folder: d.folder,
                      processedFolder: d.processedFolder, failedFolder: d.failedFolder, active: d.active, verifyCertificate: m.verifyCertificate,
                      ...(d.password ? { password: d.password } : {}),
                    },
                  }),
                ),
            }}
            remove={() => unwrap(api.DELETE('/v1/channels/mailboxes/{id}', { params: { path: { id: m.id } } }))}
            warning="Les e-mails déjà reçus restent dans leurs fils et en quarantaine ; plus rien n’est relevé. Pour seulement suspendre la relève, décochez « Boîte relevée (active) »."
          >
            <MailboxSummary mailbox={m} />
          </ManagedItem>
        ))}
      </ul>
    </section>
  );
}

/** A failed connection test: in French by its code, the server's own words one click away. */
function TestFailure({ code, detail }: { code?: string; detail?: string }) {
  // unprocessable, from the connection test, is always the server refusing the login or a folder.
  const known = code === 'unprocessable' ? ' Le serveur a refusé l’identifiant, le mot de passe ou un dossier.' : code ? ` ${errorText(code)}` : '';
  return (
    <>
      Échec de la connexion.{known}
      {detail ? (
        <details>
          <summary>Réponse du serveur</summary>
          {detail}
        </details>
      ) : null}
    </>
  );
}

function MailboxSummary({ mailbox }: { mailbox: Mailbox }) {
  const test = useWrite(() => unwrap(api.POST('/v1/channels/mailboxes/{id}/test', { params: { path: { id: mailbox.id } } })), []);
  return (
    <>
      <strong>{mailbox.name}</strong> · {mailbox.username}@{mailbox.host}:{mailbox.port} · dossier {mailbox.folder} {mailbox.active ? null : <Badge>désactivée</Badge>}
      {mailbox.lastError ? <span className="error"> Dernière erreur : {mailbox.lastError}</span> : null}
      {mailbox.lastConnectedAt ? <span className="muted"> · dernière connexion {formatDateTime(mailbox.lastConnectedAt)}</span> : null}{' '}
      <button type="button" aria-label={`Tester la connexion de ${mailbox.name}`} disabled={test.isPending} onClick={() => test.mutate(undefined)}>
        Tester la connexion
      </button>
      {test.data ? (
        <div role="status" data-testid="mailbox-test">
          {test.data.ok ? `Connexion réussie : ${test.data.messages ?? 0} message(s) en attente.` : <TestFailure code={test.data.code} detail={test.data.error} />}
        </div>
      ) : null}
      <ErrorNote error={test.error} />
    </>
  );
}

const EMPTY: MailboxDraft = { name: '', host: '', port: '993', secure: true, username: '', password: '', folder: 'INBOX', processedFolder: 'Relais/traités', failedFolder: 'Relais/échecs' };

export function NewMailbox() {
  const [form, setForm] = useState(EMPTY);
  const create = useWrite(() => unwrap(api.POST('/v1/channels/mailboxes', { body: { ...form, port: Number(form.port), active: true, verifyCertificate: true } })), STALE);
  return (
    <form
      className="panel"
      aria-labelledby="new-mailbox-title"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(undefined, { onSuccess: () => setForm(EMPTY) });
      }}
    >
      <h2 id="new-mailbox-title">Nouvelle boîte aux lettres</h2>
      <MailboxFields draft={form} change={(patch) => setForm((f) => ({ ...f, ...patch }))} sealed={false} />
      <ErrorNote error={create.error} />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Ajouter la boîte
        </button>
      </div>
    </form>
  );
}
