import { useState } from 'react';
import { useClientMessages } from '../../api/messages';
import { ErrorNote, Loading } from '../../ui/components';
import { MessageList } from '../inbox/message-list';
import { useOwnFile } from './own-file';

const FILTERS = [
  ['all', 'Tous'],
  ['unread', 'Non lus'],
  ['read', 'Lus'],
] as const;

/** The client's messages: every thread of its own file it may see, newest first. */
export default function PortalHome() {
  const clientId = useOwnFile();
  if (!clientId) return <p role="alert">Ce compte n’est rattaché à aucun dossier client.</p>;
  return <Messages clientId={clientId} />;
}

function Messages({ clientId }: { clientId: string }) {
  const [filter, setFilter] = useState<'all' | 'unread' | 'read'>('all');
  const messages = useClientMessages(clientId, filter);
  return (
    <section aria-labelledby="portal-title">
      <h1 id="portal-title">Mes messages</h1>
      <div className="tabs" role="group" aria-label="Filtrer les messages">
        {FILTERS.map(([value, label]) => (
          <button key={value} type="button" aria-pressed={filter === value} onClick={() => setFilter(value)}>
            {label}
          </button>
        ))}
      </div>
      {messages.isPending ? <Loading /> : null}
      <ErrorNote error={messages.error} />
      {messages.data ? <MessageList items={messages.data.items} empty="Aucun message." /> : null}
    </section>
  );
}
