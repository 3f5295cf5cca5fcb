import type { EntryAttachment } from '../../conversations/conversation.entity.js';
import type { InboundEntryInput } from '../../conversations/inbound-append.js';
import type { InboundSms } from './inbound-sms.entity.js';
import type { KnownSender } from './sms-threads.service.js';

/** The entry an SMS makes in a conversation: its text, its MMS media (at Twilio's URLs), its sender. */
export function smsEntryInput(sms: Pick<InboundSms, 'messageSid' | 'body' | 'media'>, from: string, conversationId: string, sender: KnownSender | null): InboundEntryInput {
  const attachments: EntryAttachment[] = sms.media.map((media, index) => ({
    name: `mms-${index + 1}`,
    contentType: media.contentType,
    size: null,
    location: media.url,
  }));
  return {
    conversationId,
    origin: 'sms',
    inboundKey: `sms:${sms.messageSid}`,
    senderAddress: from,
    senderName: sender?.name ?? null,
    authorUserId: sender?.userId ?? null,
    body: sms.body,
    attachments: attachments.length > 0 ? attachments : null,
  };
}
