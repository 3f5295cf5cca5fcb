import type { ParsedInbound } from './parse-mail.js';
import { replyText } from './reply-text.js';

/** An inbound mail processing step gave up on the mail: it goes to quarantine with this reason. */
export class Quarantined extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
    readonly suggestedMessageId: string | null = null,
    /** A routing rule's label and the rule, when a rule sent it there. */
    readonly label: string | null = null,
    readonly ruleId: string | null = null,
  ) {
    super(`${reason}: ${detail}`);
  }
}

/** What an operator reads of a quarantined mail: its text as a reply would keep it, else the raw text. */
export function quarantinePreview(mail: ParsedInbound): string {
  try {
    return replyText(mail).body.slice(0, 500);
  } catch {
    return mail.text.slice(0, 500);
  }
}
