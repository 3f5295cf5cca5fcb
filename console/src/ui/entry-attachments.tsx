import type { ReplyView } from '../api/messages';
import { formatSize } from './format';

/** A file kept with an email reply, downloaded through the API (the session cookie goes with the link). */
function attachmentPath(entryId: string, index: number): string {
  return `/v1/entries/${encodeURIComponent(entryId)}/attachments/${index}`;
}

/**
 * The files of one reply: a link when there is something to download (a file at an address, or one
 * the API kept and serves to whoever can see the thread), the name alone when it was not kept.
 */
export function EntryAttachments({ entry }: { entry: Pick<ReplyView, 'id' | 'attachments'> }) {
  if (entry.attachments.length === 0) return null;
  return (
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
  );
}
