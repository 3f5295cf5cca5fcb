import { Link } from 'wouter';
import type { MessageView, SharedMessageView } from '../../api/messages';
import { Badge } from '../../ui/components';
import { formatDateTime, formatDay } from '../../ui/format';

function isShared(message: MessageView | SharedMessageView): message is SharedMessageView {
  return 'companyName' in message;
}

/** A list of threads, each a link to its thread, with what an operator sorts by. */
export function MessageList({ items, empty }: { items: (MessageView | SharedMessageView)[]; empty: string }) {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="messages">
      {items.map((m) => (
        <li key={m.id} className={m.unread ? 'unread' : undefined}>
          <Link href={`/messages/${m.id}`}>
            <span className="subject">{m.subject || '(sans objet)'}</span>
            {isShared(m) ? (
              <span className="muted">
                {m.companyName} · {m.clientName}
              </span>
            ) : null}
            <span className="meta">
              {m.urgent ? <Badge tone="urgent">Urgent</Badge> : null}
              {m.task.state === 'todo' ? <Badge>{m.task.dueDate ? `Tâche du ${formatDay(m.task.dueDate)}` : 'Tâche'}</Badge> : null}
              {m.vad ? <Badge tone="warn">VAD</Badge> : null}
              {m.kind === 'remark' ? <Badge>Remarque</Badge> : null}
              {m.private ? <Badge>Privé</Badge> : null}
              <time dateTime={m.lastActivityAt}>{formatDateTime(m.lastActivityAt)}</time>
            </span>
          </Link>
        </li>
      ))}
    </ul>
  );
}
