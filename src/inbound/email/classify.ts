import type { ParsedInbound } from './parse-mail.js';
import { messageIds } from './parse-mail.js';

/** reply: a person's answer; automatic: out-of-office and other robots; bounce: a delivery report. */
export type MailKind = { kind: 'reply' } | { kind: 'automatic'; why: string } | { kind: 'bounce'; originalMessageIds: string[]; diagnostic: string };

/** Subjects of out-of-office replies, French and English first. */
const AUTO_SUBJECT = [
  /^\s*(?:r[ée]ponse automatique|automatic reply|auto(?:matic)?[- ]?reply|autoreply|auto[- ]?response)\b/i,
  /\b(?:absence du bureau|absent du bureau|absente du bureau|out of (?:the )?office|ooo\b|on vacation|en vacances|en congés?|abwesenheitsnotiz|fuera de la oficina|afwezig)/i,
  /^\s*(?:message d['’]absence|absence\s*:|vacation\s*:|away\s*:)/i,
];

const BOUNCE_FROM = /^(?:mailer-daemon|postmaster|mail delivery (?:system|subsystem))\b|^(?:mailer-daemon|postmaster)@/i;
const BOUNCE_SUBJECT = /^\s*(?:undeliver(?:able|ed)|delivery status notification|mail delivery failed|returned mail|failure notice|non remis|échec de la remise|non distribuable)/i;

function header(mail: ParsedInbound, name: string): string {
  return (mail.headers.get(name) ?? '').trim().toLowerCase();
}

/** Message-IDs named inside a delivery report (its returned headers or text). */
function reportedMessageIds(mail: ParsedInbound): string[] {
  const ids = new Set<string>();
  const texts = [mail.text, ...mail.attachments.filter((a) => /^(?:message\/|text\/rfc822-headers)/i.test(a.contentType)).map((a) => a.content.toString('utf8'))];
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(/^\s*Message-ID:\s*(.+)$/gim)) for (const id of messageIds(match[1])) ids.add(id);
  }
  for (const id of mail.referencedIds) ids.add(id);
  return [...ids];
}

function diagnosticOf(mail: ParsedInbound): string {
  const texts = [mail.text, ...mail.attachments.filter((a) => /delivery-status/i.test(a.contentType)).map((a) => a.content.toString('utf8'))].join('\n');
  const diag = /^\s*Diagnostic-Code:\s*(.+)$/im.exec(texts) ?? /^\s*Status:\s*(.+)$/im.exec(texts);
  return (diag?.[1] ?? mail.subject).trim().slice(0, 500);
}

/**
 * Tells robots from people. Bounces first (a report is also "auto-submitted"), then the
 * auto-reply headers (RFC 3834 Auto-Submitted, X-Autoreply, X-Autorespond, Precedence,
 * X-Auto-Response-Suppress, Exchange's loop markers), then vacation subjects.
 */
export function classify(mail: ParsedInbound): MailKind {
  const isReport = /multipart\/report/.test(mail.contentType) && /report-type\s*=\s*"?delivery-status/.test(mail.contentType);
  const returnPath = mail.returnPath?.trim();
  const emptyReturnPath = returnPath !== undefined && /^<\s*>$/.test(returnPath);
  const fromDaemon = BOUNCE_FROM.test(mail.fromAddress ?? '') || BOUNCE_FROM.test(mail.fromName ?? '');
  if (isReport || (fromDaemon && BOUNCE_SUBJECT.test(mail.subject)) || (emptyReturnPath && BOUNCE_SUBJECT.test(mail.subject))) {
    return { kind: 'bounce', originalMessageIds: reportedMessageIds(mail), diagnostic: diagnosticOf(mail) };
  }
  const autoSubmitted = header(mail, 'auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return { kind: 'automatic', why: `Auto-Submitted: ${autoSubmitted}` };
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (mail.headers.has(name)) return { kind: 'automatic', why: name };
  }
  const precedence = header(mail, 'precedence');
  if (/^(?:bulk|junk|list|auto_reply)$/.test(precedence)) return { kind: 'automatic', why: `Precedence: ${precedence}` };
  if (mail.headers.has('x-auto-response-suppress') && /\b(?:all|oof|autoreply)\b/.test(header(mail, 'x-auto-response-suppress'))) {
    return { kind: 'automatic', why: 'X-Auto-Response-Suppress' };
  }
  for (const name of ['x-ms-exchange-generated-message-source', 'x-ms-exchange-inbox-rules-loop', 'x-ms-exchange-organization-autoreply']) {
    if (mail.headers.has(name)) return { kind: 'automatic', why: name };
  }
  if (AUTO_SUBJECT.some((re) => re.test(mail.subject))) return { kind: 'automatic', why: 'vacation subject' };
  if (emptyReturnPath) return { kind: 'automatic', why: 'empty Return-Path' };
  return { kind: 'reply' };
}

/** A mail as routing rules classify it: an auto-reply, an answer to something (not ours), or new mail. */
export function classificationOf(mail: ParsedInbound, kind: MailKind): 'reply' | 'new' | 'automatic' {
  if (kind.kind === 'automatic') return 'automatic';
  return mail.referencedIds.length > 0 || /^\s*(?:re|aw|sv|tr|réf|ref)\s*:/i.test(mail.subject) ? 'reply' : 'new';
}
