import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { useClient, useClients, useUsers } from '../../api/clients';
import { useOpenDiscussion } from '../../api/discussions';
import { can, useSession } from '../../api/session-store';
import { Checkbox, ErrorNote, Field } from '../../ui/components';

type Subject = 'client' | 'worker';

/**
 * A new discussion about a client file or a worker (intervenant), with another person it concerns if
 * needed; off the portal unless asked. Workers and linked people come from the accounts list, which
 * needs accounts.read: without it, a discussion is about a client file only.
 */
export default function NewDiscussionPage() {
  const session = useSession();
  const preset = new URLSearchParams(useSearch()).get('client') ?? '';
  const people = useUsers(can(session, 'accounts.read'));
  const [subject, setSubject] = useState<Subject>('client');
  const [clientId, setClientId] = useState(preset);
  const [workerId, setWorkerId] = useState('');
  const [linkedUserId, setLinkedUserId] = useState('');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [visible, setVisible] = useState(false);
  const open = useOpenDiscussion();
  const [, navigate] = useLocation();
  const accounts = people.data?.items ?? [];
  const workers = accounts.filter((u) => u.kind === 'worker');
  const linkable = accounts.filter((u) => (u.kind === 'worker' || u.kind === 'collaborator') && u.id !== workerId);
  const person = subject === 'client' ? clientId : workerId;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const about = subject === 'client' ? { clientId } : { workerId };
    open.mutate({ ...about, title, body, visible, ...(linkedUserId ? { linkedUserId } : {}) }, { onSuccess: (created) => navigate(`/discussions/${created.id}`) });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-discussion-title">
      <p>
        <Link href={preset ? `/discussions?client=${preset}` : '/discussions'}>← Discussions</Link>
      </p>
      <h1 id="new-discussion-title">Nouvelle discussion</h1>
      {workers.length > 0 ? (
        <fieldset className="inline">
          <legend>À propos de</legend>
          <SubjectChoice value="client" label="Un dossier client" subject={subject} onChange={setSubject} />
          <SubjectChoice value="worker" label="Un intervenant" subject={subject} onChange={setSubject} />
        </fieldset>
      ) : null}
      {subject === 'client' ? (
        <ClientPicker value={clientId} onChange={setClientId} />
      ) : (
        <Field label="Intervenant">
          {(id) => (
            <select id={id} required value={workerId} onChange={(e) => setWorkerId(e.target.value)}>
              <option value="">Choisir un intervenant</option>
              {workers.map((w) => (
                <option key={w.id} value={w.id}>
                  {w.firstName} {w.lastName}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {linkable.length > 0 ? (
        <Field label="Personne liée (facultatif)" hint="Un collaborateur ou un intervenant que la discussion concerne aussi">
          {(id) => (
            <select id={id} value={linkedUserId} onChange={(e) => setLinkedUserId(e.target.value)}>
              <option value="">Aucune</option>
              {linkable.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.firstName} {u.lastName} ({u.kind === 'worker' ? 'intervenant' : 'collaborateur'})
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field label="Titre">{(id) => <input id={id} required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />}</Field>
      <Field label="Premier message">{(id) => <textarea id={id} rows={5} required maxLength={10_000} value={body} onChange={(e) => setBody(e.target.value)} />}</Field>
      <Checkbox label="Visible sur le portail" checked={visible} onChange={setVisible} />
      <ErrorNote error={open.error} />
      <div className="actions">
        <button type="submit" disabled={open.isPending || !person || !title.trim() || !body.trim()}>
          Créer la discussion
        </button>
      </div>
    </form>
  );
}

function SubjectChoice({ value, label, subject, onChange }: { value: Subject; label: string; subject: Subject; onChange: (value: Subject) => void }) {
  return (
    <label className="check">
      <input type="radio" name="subject" value={value} checked={subject === value} onChange={() => onChange(value)} /> {label}
    </label>
  );
}

/** A client file, searched by name; the one the page was opened for is offered even when the search misses it. */
function ClientPicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const [q, setQ] = useState('');
  const clients = useClients(q);
  const chosen = useClient(value, Boolean(value));
  const options = clients.data?.items ?? [];
  const shown = value && chosen.data && !options.some((c) => c.id === value) ? [chosen.data, ...options] : options;
  return (
    <>
      <Field label="Rechercher un dossier client">{(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
      <Field label="Dossier client">
        {(id) => (
          <select id={id} required value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">Choisir un dossier client</option>
            {shown.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
                {c.city ? ` (${c.city})` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ErrorNote error={clients.error} />
    </>
  );
}
