import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ConversationKinds } from '../../conversations/conversation-kinds.js';
import { visibleEntryAttachment } from '../../conversations/entry-attachments.js';
import type { AuthContext } from '../../core/auth/auth-context.js';
import { NotFoundError } from '../../core/errors/domain-error.js';
import { AttachmentStorage, type StoredAttachment } from './attachment-storage.js';

/** A file received with a reply, ready to send to a viewer who may see it. */
export interface AttachmentDownload extends StoredAttachment {
  name: string;
  contentType: string;
}

/** The read side of the files kept with email replies: the core says who may see the entry, the storage gives the bytes. */
@Injectable()
export class AttachmentDownloads {
  constructor(
    private readonly em: EntityManager,
    private readonly kinds: ConversationKinds,
    private readonly storage: AttachmentStorage,
  ) {}

  /** 404 for an entry the viewer may not see, a file not kept (too large, an MMS link) or gone from the storage. */
  async open(viewer: AuthContext, entryId: string, index: number): Promise<AttachmentDownload> {
    const file = await visibleEntryAttachment(this.em, this.kinds, viewer, entryId, index);
    // An MMS's media stays at the provider (a URL, not a key of ours): nothing kept here to send.
    const stored = file.location && !/^[a-z]+:\/\//i.test(file.location) && !file.omitted ? await this.storage.read(file.location) : null;
    if (!stored) throw new NotFoundError('Attachment', { reason: file.omitted ?? 'not kept' });
    return { ...stored, name: file.name, contentType: file.contentType };
  }
}
