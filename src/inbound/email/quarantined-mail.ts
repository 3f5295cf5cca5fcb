import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../core/errors/domain-error.js';
import type { DownloadFile } from '../../core/http/file-download.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import type { QuarantineContent, QuarantineReader } from '../quarantine/quarantine.service.js';
import { htmlToText } from './html-text.mjs';
import { attachmentName } from './mail-entries.js';
import { parseMail, type ParsedInbound } from './parse-mail.js';
import { storedMail } from './stored-mail.js';

/** The stored mail of the item, parsed; null once the retention purge emptied it. */
async function parsedMail(em: EntityManager, item: QuarantineItem): Promise<ParsedInbound | null> {
  const stored = await storedMail(em.fork(), item.sourceId, item.companyId);
  return stored.purged ? null : parseMail(stored.raw);
}

/** A quarantined mail whole, from its stored bytes: the full text and what is attached. */
async function quarantinedMail(em: EntityManager, item: QuarantineItem): Promise<QuarantineContent> {
  const mail = await parsedMail(em, item);
  if (!mail) return { text: item.preview ?? '', html: false, attachments: [], purged: true };
  return {
    text: mail.text || (mail.html ? htmlToText(mail.html) : ''),
    html: Boolean(mail.html),
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size ?? null, downloadable: true })),
    purged: false,
  };
}

/**
 * One file of a quarantined mail, cut from the mail as it was stored: a quarantined mail made no
 * entry, so none of its files went to the attachments storage; the raw mail is where they are.
 */
async function quarantinedMailFile(em: EntityManager, item: QuarantineItem, index: number): Promise<DownloadFile> {
  const mail = await parsedMail(em, item);
  if (!mail) throw new NotFoundError('Attachment', { reason: 'the mail was purged (retention)' });
  const file = mail.attachments[index] as ParsedInbound['attachments'][number] | undefined;
  if (!file) throw new NotFoundError('Attachment', { reason: `the mail has ${mail.attachments.length} file(s)` });
  return { name: attachmentName(file.filename, index), contentType: file.contentType, content: file.content, size: file.content.length };
}

/** How the quarantine reads a mail it holds, text and files. */
export function quarantinedMailReader(em: EntityManager): QuarantineReader {
  return { content: (item) => quarantinedMail(em, item), attachment: (item, index) => quarantinedMailFile(em, item, index) };
}
