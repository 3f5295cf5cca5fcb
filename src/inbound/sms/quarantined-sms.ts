import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../core/errors/domain-error.js';
import type { QuarantineItem } from '../quarantine/quarantine-item.entity.js';
import type { QuarantineContent, QuarantineReader } from '../quarantine/quarantine.service.js';
import { InboundSms } from './inbound-sms.entity.js';

/** A quarantined SMS whole: its body and the media (MMS) it carried. */
async function quarantinedSms(em: EntityManager, item: QuarantineItem): Promise<QuarantineContent> {
  const row = await em.fork().findOne(InboundSms, { id: item.sourceId, companyId: item.companyId });
  if (!row) throw new NotFoundError('The inbound SMS of this quarantine item');
  return {
    text: row.rawPurgedAt ? (item.preview ?? '') : row.body,
    html: false,
    attachments: row.media.map((m) => ({ filename: null, contentType: m.contentType, size: null, downloadable: false })),
    purged: Boolean(row.rawPurgedAt),
  };
}

/** How the quarantine reads an SMS it holds: an MMS's media stays at the provider (a URL), nothing of it is kept here to send. */
export function quarantinedSmsReader(em: EntityManager): QuarantineReader {
  return {
    content: (item) => quarantinedSms(em, item),
    attachment: () => Promise.reject(new NotFoundError('Attachment', { reason: 'an MMS’s media stays at the provider: not kept' })),
  };
}
