import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import type { EntryAttachment } from '../../conversations/conversation.entity.js';
import type { InboundEntryInput } from '../../conversations/inbound-append.js';
import { AttachmentStorage } from './attachment-storage.js';
import type { InboundEmail } from './inbound-email.entity.js';
import type { ParsedInbound } from './parse-mail.js';
import { replyText } from './reply-text.js';

/** The name a received file goes by: its own, or its position when the sender gave none. */
export function attachmentName(filename: string | undefined | null, index: number): string {
  return (filename ?? `attachment-${index + 1}`).slice(0, 200);
}

/** What processing needs of a stored mail besides its bytes. */
export type StoredRow = Pick<InboundEmail, 'id' | 'companyId'> & { mailboxId?: string; receivedAt?: Date };

/** The entry a mail makes in a conversation: its text trimmed, the original kept when different, its files stored. */
@Injectable()
export class MailEntries {
  constructor(
    private readonly storage: AttachmentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async input(row: StoredRow, mail: ParsedInbound, conversationId: string, automatic: boolean, authorUserId: string | null): Promise<InboundEntryInput> {
    const text = replyText(mail);
    return {
      conversationId,
      origin: 'email',
      inboundKey: `email:${row.id}`,
      senderAddress: mail.fromAddress ?? 'unknown',
      senderName: mail.fromName,
      authorUserId,
      body: text.body,
      originalBody: text.original !== text.body ? text.original : null,
      automatic,
      attachments: await this.keepAttachments(row, mail),
    };
  }

  private async keepAttachments(row: StoredRow, mail: ParsedInbound): Promise<EntryAttachment[]> {
    const kept: EntryAttachment[] = [];
    for (const [index, file] of mail.attachments.entries()) {
      const name = attachmentName(file.filename, index);
      const base = { name, contentType: file.contentType, size: file.size ?? file.content.length };
      if (base.size > this.config.inbound.attachmentMaxBytes) {
        kept.push({ ...base, location: null, omitted: `larger than ${this.config.inbound.attachmentMaxBytes} bytes: not kept` });
        continue;
      }
      const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^\.+/, '') || 'file';
      kept.push({ ...base, location: await this.storage.put(`${row.companyId}/${row.id}/${index + 1}-${safe}`, file.content, file.contentType) });
    }
    return kept;
  }
}
