import type { ReactNode } from 'react';
import type { ReplyView } from '../../api/messages';
import { EntryAttachments } from '../../ui/entry-attachments';
import { formatDateTime } from '../../ui/format';
import { entryChannel } from '../../ui/words';

/** One reply: who, by which channel, when; an inbound mail shows its trimmed text, the whole on demand. */
export function ThreadEntry({ entry, author, children }: { entry: ReplyView; author: (id: string | null) => string; children?: ReactNode }) {
  const who = entry.authorId ? author(entry.authorId) : (entry.senderName ?? entry.senderAddress ?? 'Inconnu');
  const channel = entryChannel(entry.origin, entry.automatic, Boolean(entry.authorId));
  return (
    <li className="entry" data-testid="entry">
      <header>
        <strong>{who}</strong> <span className="badge">{channel}</span>{' '}
        <time dateTime={entry.createdAt}>{formatDateTime(entry.createdAt)}</time>
      </header>
      <p className="body">{entry.body}</p>
      {entry.originalBody && entry.originalBody !== entry.body ? (
        <details>
          <summary>Voir l’original</summary>
          <pre className="original">{entry.originalBody}</pre>
        </details>
      ) : null}
      <EntryAttachments entry={entry} />
      {children}
    </li>
  );
}
