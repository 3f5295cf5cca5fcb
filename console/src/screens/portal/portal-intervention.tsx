import { Link, useParams } from 'wouter';
import { useExchanges, useIntervention } from '../../api/portal';
import { Badge, ErrorNote, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { INTERVENTION_STATUS } from './words';

/** One intervention: what was asked, its status and dates, and every exchange recorded on it. */
export default function PortalIntervention() {
  const { id = '' } = useParams<{ id: string }>();
  const intervention = useIntervention(id);
  const exchanges = useExchanges(id);
  if (intervention.error) return <ErrorNote error={intervention.error} />;
  if (!intervention.data) return <Loading />;
  const i = intervention.data;
  return (
    <article aria-labelledby="intervention-title">
      <p>
        <Link href="/interventions">← Interventions</Link>
      </p>
      <h1 id="intervention-title">{i.title}</h1>
      <p className="meta">
        <Badge>{INTERVENTION_STATUS[i.status] ?? i.status}</Badge> demandée le <time dateTime={i.requestedAt}>{formatDateTime(i.requestedAt)}</time>
        {i.plannedAt ? ` · prévue le ${formatDateTime(i.plannedAt)}` : ''}
        {i.doneAt ? ` · terminée le ${formatDateTime(i.doneAt)}` : ''}
      </p>
      {i.description ? <p>{i.description}</p> : null}
      <h2>Échanges</h2>
      <ErrorNote error={exchanges.error} />
      {exchanges.data?.length === 0 ? <p className="muted">Aucun échange pour l’instant.</p> : null}
      <ol className="entries" aria-label="Échanges de l’intervention">
        {exchanges.data?.map((x) => (
          <li key={x.id} className="entry" data-testid="exchange">
            <header>
              <strong>{x.typeLabel}</strong> <span className="badge">{x.direction === 'received' ? 'Reçu' : 'Transmis'}</span>{' '}
              <time dateTime={x.happenedAt}>{formatDateTime(x.happenedAt)}</time>
              {x.reminder ? <Badge tone="urgent">Relance</Badge> : null}
            </header>
            {x.subject ? <p className="subject">{x.subject}</p> : null}
            <p className="body">{x.detail}</p>
          </li>
        ))}
      </ol>
    </article>
  );
}
