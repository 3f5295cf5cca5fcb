import { Link, useParams } from 'wouter';
import { useOpenThread, useTaskAction, useVadTransmitted } from '../../api/messages';
import { can, useSession } from '../../api/session-store';
import { Badge, ErrorNote, Loading } from '../../ui/components';
import { formatDateTime, formatDay } from '../../ui/format';
import { Deliveries } from './deliveries';
import { ReplyForm } from './reply-form';
import { ThreadEntry } from './thread-entry';
import { useAuthorNames } from './use-author-names';

/** A thread: the first post, then every reply in order; new replies arrive live (the events hook refetches it). */
export default function ThreadPage() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession();
  const { thread, markRead } = useOpenThread(id);
  const task = useTaskAction(id);
  const vad = useVadTransmitted(id);
  const author = useAuthorNames();

  if (thread.error) return <ErrorNote error={thread.error} />;
  if (!thread.data) return <Loading />;
  const m = thread.data;
  const canRetry = can(session, 'outbound.manage');
  return (
    <article className="thread" aria-labelledby="thread-title">
      <p>
        <Link href={`/clients/${m.clientId}`}>Dossier client</Link>
      </p>
      <h1 id="thread-title">{m.subject || '(sans objet)'}</h1>
      <p className="meta">
        {m.urgent ? <Badge tone="urgent">Urgent</Badge> : null}
        {m.private ? <Badge>Privé</Badge> : null}
        {m.kind === 'remark' ? <Badge>Remarque</Badge> : null}
        {m.task.state === 'todo' ? <Badge>{m.task.dueDate ? `Tâche du ${formatDay(m.task.dueDate)}` : 'Tâche à faire'}</Badge> : null}
        {m.task.state === 'done' ? <Badge tone="ok">Tâche faite</Badge> : null}
        {m.vad ? <Badge tone="warn">{`VAD le ${formatDateTime(m.vad.plannedAt)}${m.vad.transmittedAt ? ' · transmise' : ''}`}</Badge> : null}
      </p>
      {m.instruction ? (
        <aside className="instruction" aria-label="Consigne">
          {m.instruction}
        </aside>
      ) : null}
      <ol className="entries" aria-label="Échanges">
        <li className="entry" data-testid="entry">
          <header>
            <strong>{author(m.authorId)}</strong> <span className="badge">Équipe</span> <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
          </header>
          <p className="body">{m.body}</p>
          <Deliveries messageId={m.id} copies={m.copies.filter((c) => c.entryId === null)} canRetry={canRetry} recipient={author} />
        </li>
        {m.replies.map((entry) => (
          <ThreadEntry key={entry.id} entry={entry} author={author}>
            <Deliveries messageId={m.id} copies={m.copies.filter((c) => c.entryId === entry.id)} canRetry={canRetry} recipient={author} />
          </ThreadEntry>
        ))}
      </ol>
      <div className="actions">
        {m.task.state === 'todo' ? (
          <button type="button" onClick={() => task.mutate({ action: 'done' })}>
            Marquer la tâche faite
          </button>
        ) : null}
        {m.task.state === 'done' ? (
          <button type="button" onClick={() => task.mutate({ action: 'reopen' })}>
            Rouvrir la tâche
          </button>
        ) : null}
        {m.vad && !m.vad.transmittedAt && can(session, 'messages.vad.manage') ? (
          <button type="button" onClick={() => vad.mutate()}>
            VAD transmise
          </button>
        ) : null}
        <button type="button" onClick={() => markRead.mutate(false)}>
          Marquer non lu
        </button>
      </div>
      <ErrorNote error={task.error ?? vad.error} />
      {can(session, 'messages.write') ? <ReplyForm messageId={m.id} /> : null}
    </article>
  );
}
