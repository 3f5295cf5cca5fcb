import { Link, useParams } from 'wouter';
import { useOpenThread, useReply } from '../../api/messages';
import { can, useSession } from '../../api/session-store';
import { Badge, ErrorNote, Loading } from '../../ui/components';
import { EntryAttachments } from '../../ui/entry-attachments';
import { TextReply } from '../../ui/text-reply';
import { formatDateTime } from '../../ui/format';
import type { ReplyView } from '../../api/messages';
import { CHANNEL_LABEL } from '../../ui/words';
import { useAuthorLabel } from './own-file';

/** A thread as the client reads it: the team's message and every answer, and a reply of its own. */
export default function PortalThread() {
  const { id = '' } = useParams<{ id: string }>();
  const session = useSession();
  const { thread } = useOpenThread(id);
  const author = useAuthorLabel();

  if (thread.error) return <ErrorNote error={thread.error} />;
  if (!thread.data) return <Loading />;
  const m = thread.data;
  return (
    <article className="thread" aria-labelledby="thread-title">
      <p>
        <Link href="/">← Mes messages</Link>
      </p>
      <h1 id="thread-title">{m.subject || '(sans objet)'}</h1>
      <p className="meta">{m.urgent ? <Badge tone="urgent">Urgent</Badge> : null}</p>
      <ol className="entries" aria-label="Échanges">
        <li className="entry" data-testid="entry">
          <header>
            <strong>{author(m.authorId)}</strong> <time dateTime={m.createdAt}>{formatDateTime(m.createdAt)}</time>
          </header>
          <p className="body">{m.body}</p>
        </li>
        {m.replies.map((entry) => (
          <PortalEntry key={entry.id} entry={entry} author={author} />
        ))}
      </ol>
      {can(session, 'messages.write') ? <Reply messageId={m.id} /> : null}
    </article>
  );
}

/** One answer as the client reads it: who (itself or the team), by email or SMS when not here, when. */
function PortalEntry({ entry, author }: { entry: ReplyView; author: (id: string | null) => string }) {
  const who = entry.authorId ? author(entry.authorId) : (entry.senderName ?? entry.senderAddress ?? 'Vous');
  return (
    <li className="entry" data-testid="entry">
      <header>
        <strong>{who}</strong> {entry.origin !== 'app' ? <span className="badge">{CHANNEL_LABEL[entry.origin] ?? entry.origin}</span> : null}{' '}
        <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
      </header>
      <p className="body">{entry.body}</p>
      <EntryAttachments entry={entry} />
    </li>
  );
}

function Reply({ messageId }: { messageId: string }) {
  const reply = useReply(messageId);
  return <TextReply send={(body, sent) => reply.mutate({ body }, { onSuccess: sent })} pending={reply.isPending} error={reply.error} />;
}
