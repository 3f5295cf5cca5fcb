import { useState } from 'react';
import { Link, useParams } from 'wouter';
import { useClient, useContacts, useInstructions } from '../../api/clients';
import { useClientMessages } from '../../api/messages';
import { can, useSession } from '../../api/session-store';
import { ErrorNote, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { MessageList } from '../inbox/message-list';
import { PortalAccessPanel } from './portal-access-panel';

type Filter = 'unread' | 'all' | 'read' | 'deleted';
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'unread', label: 'Non lus' },
  { value: 'all', label: 'Tous' },
  { value: 'read', label: 'Lus' },
  { value: 'deleted', label: 'Supprimés' },
];
const VISIBILITY: Record<string, string> = { message: 'messages', call: 'appels', vad: 'VAD' };

/** A client file: its note alerts first, then conversations, contacts and instructions (consignes). */
export default function ClientFilePage() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession();
  const client = useClient(id);
  const contacts = useContacts(id);
  const instructions = useInstructions(id);
  const [filter, setFilter] = useState<Filter>('all');
  const messages = useClientMessages(id, filter);

  if (client.error) return <ErrorNote error={client.error} />;
  if (!client.data) return <Loading />;
  const c = client.data;
  return (
    <div className="client-file">
      <h1>{c.name}</h1>
      <p className="muted">{[c.street, c.postalCode, c.city].filter(Boolean).join(', ')}</p>
      <p className="muted">{[c.email, c.mobile, c.fax].filter(Boolean).join(' · ')}</p>
      {(c.noteAlerts ?? []).map((alert) => (
        <aside key={alert.id} className="alert" role="alert">
          <strong>Note :</strong> {alert.text} <span className="muted">({formatDateTime(alert.createdAt)})</span>
        </aside>
      ))}
      <p className="actions">
        {can(session, 'messages.write') ? (
          <Link href={`/clients/${id}/compose`} className="button">
            Nouveau message
          </Link>
        ) : null}
        {can(session, 'notes.read') ? <Link href={`/discussions?client=${id}`}>Discussions du dossier</Link> : null}
      </p>
      <section className="panel" aria-labelledby="conversations-title">
        <h2 id="conversations-title">Conversations</h2>
        <div role="group" aria-label="Filtrer les conversations" className="tabs">
          {FILTERS.map((f) => (
            <button key={f.value} type="button" aria-pressed={filter === f.value} onClick={() => setFilter(f.value)}>
              {f.label}
            </button>
          ))}
        </div>
        {messages.error ? <ErrorNote error={messages.error} /> : null}
        {messages.data ? <MessageList items={messages.data.items} empty="Aucune conversation." /> : <Loading />}
      </section>
      <section className="panel" aria-labelledby="contacts-title">
        <h2 id="contacts-title">Contacts</h2>
        {(contacts.data ?? []).length === 0 ? <p className="muted">Aucun contact.</p> : null}
        <ul>
          {(contacts.data ?? []).map((contact) => (
            <li key={contact.id}>
              <strong>{contact.name}</strong> <span className="muted">{[contact.email, contact.phone, contact.city].filter(Boolean).join(' · ')}</span>
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="instructions-title">
        <h2 id="instructions-title">Consignes</h2>
        {(instructions.data ?? []).length === 0 ? <p className="muted">Aucune consigne.</p> : null}
        <ul>
          {(instructions.data ?? []).map((instruction) => (
            <li key={instruction.id}>
              {instruction.text} <span className="muted">({instruction.visibility.map((v) => VISIBILITY[v] ?? v).join(', ')})</span>
            </li>
          ))}
        </ul>
      </section>
      <PortalAccessPanel clientId={id} />
    </div>
  );
}
