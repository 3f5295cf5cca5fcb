import { useState } from 'react';
import { Link } from 'wouter';
import { useClients } from '../../api/clients';
import { ErrorNote, Field, Loading } from '../../ui/components';

/** Client files, searched by name. */
export default function ClientsPage() {
  const [q, setQ] = useState('');
  const clients = useClients(q);
  return (
    <div>
      <h1>Dossiers clients</h1>
      <Field label="Rechercher un client">{(id) => <input id={id} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}</Field>
      {clients.error ? <ErrorNote error={clients.error} /> : null}
      {clients.data ? (
        <ul className="clients">
          {clients.data.items.map((c) => (
            <li key={c.id}>
              <Link href={`/clients/${c.id}`}>{c.name}</Link> <span className="muted">{c.city ?? ''}</span>
            </li>
          ))}
        </ul>
      ) : (
        <Loading />
      )}
    </div>
  );
}
