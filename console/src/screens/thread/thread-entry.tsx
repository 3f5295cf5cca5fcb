import type { ReactNode } from 'react';
import type { ReplyView } from '../../api/messages';
import { formatDateTime, formatSize } from '../../ui/format';
import { entryChannel } from '../../ui/words';

/** A file kept with an email reply, downloaded through the API (the session cookie goes with the link). */
function attachmentPath(entryId: string, index: number): string {
  return `/v1/entries/${encodeURIComponent(entryId)}/attachments/${index}`;
}

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
      {entry.attachments.length > 0 ? (
        <ul className="attachments" aria-label="Pièces jointes">
          {entry.attachments.map((file, index) => (
            <li key={`${file.name}-${index}`}>
              {file.location && /^https?:/.test(file.location) ? (
                <a href={file.location} download={file.name}>
                  {file.name}
                </a>
              ) : file.location && !file.omitted ? (
                <a href={attachmentPath(entry.id, index)} download={file.name}>
                  {file.name}
                </a>
              ) : (
                <span>{file.name}</span>
              )}{' '}
              <span className="muted">
                {file.contentType} {formatSize(file.size)} {file.omitted ? `— ${file.omitted}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {children}
    </li>
  );
}
