import { Link } from 'wouter';
import { useInterventions } from '../../api/portal';
import { Badge, ErrorNote, Loading } from '../../ui/components';
import { formatDateTime } from '../../ui/format';
import { useOwnFile } from './own-file';
import { INTERVENTION_STATUS } from './words';

/** The client's intervention requests, with where each stands and its latest exchange. */
export default function PortalInterventions() {
  const clientId = useOwnFile();
  const list = useInterventions(clientId ?? '');
  return (
    <section aria-labelledby="interventions-title">
      <h1 id="interventions-title">Interventions</h1>
      {list.isPending ? <Loading /> : null}
      <ErrorNote error={list.error} />
      {list.data?.items.length === 0 ? <p className="muted">Aucune intervention.</p> : null}
      <ul className="messages">
        {list.data?.items.map((i) => (
          <li key={i.id} data-testid="intervention">
            <Link href={`/interventions/${i.id}`}>
              <span className="subject">{i.title}</span>
              <span className="muted">{i.summary.latestPreview ?? ''}</span>
              <span className="meta">
                <Badge tone={i.status === 'done' || i.status === 'reported' ? 'ok' : 'plain'}>{INTERVENTION_STATUS[i.status] ?? i.status}</Badge>
                {i.summary.reminder ? <Badge tone="urgent">Relance</Badge> : null}
                <time dateTime={i.requestedAt}>{formatDateTime(i.requestedAt)}</time>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
