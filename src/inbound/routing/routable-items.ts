import { toE164 } from '../../core/phone/phone-number.js';
import { classificationOf, classify, type MailKind } from '../email/classify.js';
import type { ParsedInbound } from '../email/parse-mail.js';
import { replyText } from '../email/reply-text.js';
import type { RoutableItem } from './routing-rule.js';

/** A parsed mail as the rules see it (the inbound path, the dry run and the rerun read it alike). */
export function mailItem(mail: ParsedInbound & { fromAddress: string }, mailboxId: string | null, receivedAt: Date, kind: MailKind = classify(mail)): RoutableItem {
  return {
    channel: 'email',
    mailboxId,
    toNumber: null,
    recipients: mail.recipients,
    sender: mail.fromAddress,
    subject: mail.subject,
    body: replyText(mail).body,
    attachments: mail.attachments.length,
    classification: classificationOf(mail, kind),
    receivedAt,
  };
}

/** An SMS as the rules see it; `from` is the sender's E.164 number. */
export function smsItem(sms: { from: string; toRaw: string; body: string; media: number; receivedAt: Date }): RoutableItem {
  return {
    channel: 'sms',
    mailboxId: null,
    toNumber: toE164(sms.toRaw) ?? sms.toRaw,
    recipients: [],
    sender: sms.from,
    subject: '',
    body: sms.body,
    attachments: sms.media,
    classification: 'new',
    receivedAt: sms.receivedAt,
  };
}
