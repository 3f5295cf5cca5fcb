import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import { boundSql } from '../core/database/sql-rows.js';
import type { ConversationKinds } from './conversation-kinds.js';
import type { EntryAttachment } from './conversation.entity.js';

/**
 * The `index`-th file of an entry (0-based, as the thread lists them), for a viewer who may see it:
 * every kind shows all of a conversation's entries to whoever may see the conversation (remarks and
 * private messages are whole conversations its rule hides), so the entry is visible exactly when its
 * conversation is. Anything else — another company's entry, a thread the viewer may not open, no
 * such file — is a 404, exactly as if it did not exist.
 */
export async function visibleEntryAttachment(em: EntityManager, kinds: ConversationKinds, viewer: AuthContext, entryId: string, index: number): Promise<EntryAttachment> {
  const [entry] = await boundSql<{ conversation_id: string; attachments: EntryAttachment[] | null }>(
    em,
    'select conversation_id, attachments from conversation_entry where id = ?',
    [entryId],
  );
  if (!entry) throw new NotFoundError('Attachment');
  // Hidden conversation: named as the attachment, never as the thread. Anything else (the database
  // down) stays what it is, a 503, not a 404 that would say the file does not exist.
  await kinds.assertVisible(em, viewer, entry.conversation_id).catch((error: unknown) => {
    throw error instanceof NotFoundError ? new NotFoundError('Attachment') : error;
  });
  const file = entry.attachments?.[index];
  if (!file) throw new NotFoundError('Attachment');
  return file;
}
