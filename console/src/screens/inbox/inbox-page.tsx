import type { ReactNode } from 'react';
import { useDayCounts, useInboxCounts, useRemarks, useSubcontracting, useTasks, useUnread, useUntransmittedVad, useUrgent } from '../../api/messages';
import { can, useSession } from '../../api/session-store';
import { ErrorNote, Loading } from '../../ui/components';
import { formatDay, parisDay } from '../../ui/format';
import { MessageList } from './message-list';

interface Page {
  items: { id: string }[];
  nextCursor: string | null;
}

/** The exact count from /v1/inbox/counts ("…" until it arrives). */
function Section({ id, title, count, children }: { id: string; title: string; count: number | null | undefined; children: ReactNode }) {
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>
        {title} <output className="count" data-testid={`${id}-count`}>{count ?? '…'}</output>
      </h2>
      {children}
    </section>
  );
}

function body<T extends Page>(query: { data?: T; error: unknown; isPending: boolean }, render: (data: T) => ReactNode) {
  if (query.error) return <ErrorNote error={query.error} />;
  if (query.isPending || !query.data) return <Loading />;
  return render(query.data);
}

function DayCounts({ enabled }: { enabled: boolean }) {
  const from = parisDay();
  const to = parisDay(13);
  const counts = useDayCounts(from, to, enabled);
  if (counts.error) return <ErrorNote error={counts.error} />;
  if (!counts.data) return null;
  if (counts.data.length === 0) return <p className="muted">Aucune tâche datée dans les deux semaines.</p>;
  return (
    <ul className="day-counts" aria-label="Tâches par jour">
      {counts.data.map((day) => (
        <li key={day.date}>
          {formatDay(day.date)} : <strong>{day.count}</strong>
        </li>
      ))}
    </ul>
  );
}

/** The operator's day: unread, urgent, tasks, and for those allowed remarks, VAD and subcontracting. */
export default function InboxPage() {
  const session = useSession();
  const counts = useInboxCounts().data;
  const unread = useUnread();
  // The unread threads come first: the other lists are asked for once they are on screen, so
  // they do not compete with them for the API (one Node process, a few database connections).
  const then = !unread.isPending;
  const urgent = useUrgent(then);
  const tasks = useTasks(then);
  const remarks = useRemarks(then && can(session, 'messages.remarks.read'));
  const vad = useUntransmittedVad(then && can(session, 'messages.vad.manage'));
  const shared = useSubcontracting(then);

  return (
    <div className="inbox">
      <h1>Boîte de réception</h1>
      <div className="grid">
        <Section id="unread" title="Non lus" count={counts?.unread}>
          {body(unread, (page) => <MessageList items={page.items} empty="Tout est lu." />)}
        </Section>
        <Section id="urgent" title="Urgents" count={counts?.urgent}>
          {body(urgent, (page) => <MessageList items={page.items} empty="Aucun message urgent non lu." />)}
        </Section>
        <Section id="tasks" title="Tâches à faire" count={counts?.tasks}>
          <DayCounts enabled={then} />
          {body(tasks, (page) => <MessageList items={page.items} empty="Aucune tâche à faire." />)}
        </Section>
        {can(session, 'messages.remarks.read') ? (
          <Section id="remarks" title="Remarques" count={counts?.remarks}>
            {body(remarks, (page) => <MessageList items={page.items} empty="Aucune remarque." />)}
          </Section>
        ) : null}
        {can(session, 'messages.vad.manage') ? (
          <Section id="vad" title="VAD non transmises" count={counts?.vadUntransmitted}>
            {body(vad, (page) => <MessageList items={page.items} empty="Toutes les VAD sont transmises." />)}
          </Section>
        ) : null}
        <Section id="subcontracting" title="Sous-traitance" count={counts?.subcontracting}>
          {body(shared, (page) => <MessageList items={page.items} empty="Aucun message partagé." />)}
        </Section>
      </div>
    </div>
  );
}
