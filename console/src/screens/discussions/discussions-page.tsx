import { Link, useLocation, useSearch } from 'wouter';
import { useClient } from '../../api/clients';
import { useDiscussions } from '../../api/discussions';
import { can, useSession } from '../../api/session-store';
import { Badge, ErrorNote, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';

/** The `?client=` and `?new=true` of a staff list's address: a client file's link opens it filtered, a reload keeps the filter. */
function useListFilter() {
  const params = new URLSearchParams(useSearch());
  return { clientId: params.get('client') ?? undefined, onlyNew: params.get('new') === 'true' };
}

function listHref(filter: { clientId?: string; onlyNew: boolean }): string {
  const params = new URLSearchParams();
  if (filter.clientId) params.set('client', filter.clientId);
  if (filter.onlyNew) params.set('new', 'true');
  const query = params.toString();
  return query ? `/discussions?${query}` : '/discussions';
}

/** Staff's discussions with clients and workers: NEW ones first to the eye, filtered on NEW and on one client file. */
export default function DiscussionsPage() {
  const session = useSession();
  const filter = useListFilter();
  const [, navigate] = useLocation();
  const list = useDiscussions(filter);
  const items = list.data?.items ?? [];
  // Newest activity first: what was just answered is what staff look for.
  const sorted = [...items].sort((a, b) => String(b.lastActivityAt).localeCompare(String(a.lastActivityAt)));
  const client = useClient(filter.clientId ?? '', Boolean(filter.clientId) && can(session, 'clients.read'));
  const clientName = client.data?.name ?? items.find((d) => d.clientId === filter.clientId)?.subjectName;
  return (
    <section aria-labelledby="discussions-title">
      <h1 id="discussions-title">Discussions</h1>
      {filter.clientId ? (
        <p>
          Discussions du dossier {clientName ? <strong>{clientName}</strong> : null} · <Link href={`/clients/${filter.clientId}`}>Ouvrir le dossier</Link> ·{' '}
          <Link href={listHref({ onlyNew: filter.onlyNew })}>Toutes les discussions</Link>
        </p>
      ) : null}
      <div className="actions">
        <div className="tabs" role="group" aria-label="Filtrer les discussions">
          <button type="button" aria-pressed={!filter.onlyNew} onClick={() => navigate(listHref({ ...filter, onlyNew: false }))}>
            Toutes
          </button>
          <button type="button" aria-pressed={filter.onlyNew} onClick={() => navigate(listHref({ ...filter, onlyNew: true }))}>
            Nouvelles
          </button>
        </div>
        {can(session, 'notes.write') ? (
          <Link href={filter.clientId ? `/discussions/new?client=${filter.clientId}` : '/discussions/new'} className="button">
            Nouvelle discussion
          </Link>
        ) : null}
      </div>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.data && items.length === 0 ? <p className="muted">{filter.onlyNew ? 'Aucune nouvelle discussion.' : 'Aucune discussion.'}</p> : null}
      {items.length > 0 ? (
        <table className="copies" aria-label="Discussions">
          <thead>
            <tr>
              <th scope="col">Titre</th>
              <th scope="col">Concerne</th>
              <th scope="col">Portail</th>
              <th scope="col">Dernière activité</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((d) => (
              <tr key={d.id} data-testid="discussion" className={d.isNew ? 'unread' : undefined}>
                <td>
                  <Link href={`/discussions/${d.id}`}>{d.title}</Link> {d.isNew ? <Badge tone="urgent">Nouveau</Badge> : null}
                </td>
                <td>
                  {d.subjectName} <span className="muted">{d.clientId ? '(dossier client)' : '(intervenant)'}</span>
                </td>
                <td>{d.visible ? <Badge tone="ok">Visible</Badge> : <Badge>Masquée</Badge>}</td>
                <td>
                  <time dateTime={String(d.lastActivityAt)}>{formatDateTime(String(d.lastActivityAt))}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.data?.nextCursor ? <p className="muted">Seules les 100 premières discussions sont affichées : filtrez par dossier client.</p> : null}
    </section>
  );
}
