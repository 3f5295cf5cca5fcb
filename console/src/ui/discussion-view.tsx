import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link } from 'wouter';
import { ApiError } from '../api/client';
import type { DiscussionReplyView, DiscussionView } from '../api/discussions';
import { ErrorNote, Loading } from './components';
import { formatDateTime } from './format';
import { CHANNEL_LABEL } from './words';

/** Who wrote an entry, as an entry names it (the first message has no sender address). */
export interface EntryAuthor {
  authorId: string | null;
  authorName: string | null;
  senderAddress?: string | null;
}

/** A discussion's first message and its replies in order, each with its author (as the reader names them), channel and time. */
export function DiscussionEntries({ discussion, replies, authorOf }: { discussion: DiscussionView; replies: DiscussionReplyView[]; authorOf: (entry: EntryAuthor) => string }) {
  return (
    <ol className="entries" aria-label="Messages">
      <li className="entry" data-testid="entry">
        <header>
          <strong>{authorOf(discussion)}</strong> <time dateTime={String(discussion.createdAt)}>{formatDateTime(String(discussion.createdAt))}</time>
        </header>
        <p className="body">{discussion.body}</p>
      </li>
      {replies.map((r) => (
        <li key={r.id} className="entry" data-testid="entry">
          <header>
            <strong>{authorOf(r)}</strong> {r.origin !== 'app' ? <span className="badge">{CHANNEL_LABEL[r.origin] ?? r.origin}</span> : null}{' '}
            <time dateTime={String(r.createdAt)}>{formatDateTime(String(r.createdAt))}</time>
          </header>
          <p className="body">{r.body}</p>
        </li>
      ))}
    </ol>
  );
}

/**
 * A discussion's page, for the portal and for staff: a 404 says `gone` with a way back to the list,
 * another error or the wait shows as such; once loaded, `children` under a link back to the list.
 */
export function DiscussionFrame({ discussion, gone, children }: { discussion: UseQueryResult<DiscussionView>; gone: string; children: (d: DiscussionView) => ReactNode }) {
  if (discussion.error instanceof ApiError && discussion.error.status === 404) {
    return (
      <p role="alert">
        {gone} <Link href="/discussions">Retour aux discussions</Link>
      </p>
    );
  }
  if (discussion.error) return <ErrorNote error={discussion.error} />;
  if (!discussion.data) return <Loading />;
  return (
    <article className="thread" aria-labelledby="discussion-title">
      <p>
        <Link href="/discussions">← Discussions</Link>
      </p>
      {children(discussion.data)}
    </article>
  );
}
