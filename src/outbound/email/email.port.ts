export interface EmailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

/** One email, headers decided by the caller (Message-ID, Reply-To, threading). */
export interface OutgoingEmail {
  from: { address: string; name: string };
  to: string;
  replyTo: string | null;
  subject: string;
  html: string | null;
  text: string;
  /** Without angle brackets. */
  messageId: string;
  inReplyTo: string | null;
  references: string[];
  attachments: EmailAttachment[];
}

/**
 * Called at the point of no return of a send: the relay took the envelope and the content, and
 * only the end of the data (SMTP's final dot, which commits the message) is left to write. False
 * means "do not commit": the transport drops the connection and the relay discards the message.
 */
export type CommitGate = () => Promise<boolean>;

/** The commit gate said no: nothing was committed, the relay discards what it got. */
export class CommitRefused extends Error {
  constructor() {
    super('The send was called off before the message was committed');
  }
}

/**
 * Hands emails to an SMTP relay. Resolves once the relay accepted the message (250); rejects with
 * a ProviderError: transient for 4xx and for network trouble before the commit, outcome_unknown for
 * no answer after it, invalid_address / permanent for 5xx.
 * `beforeCommit` runs, once, just before the message is committed; a send that fails earlier
 * never runs it, so a caller knows the relay cannot have the message when it did not run.
 */
export abstract class EmailTransport {
  abstract send(email: OutgoingEmail, beforeCommit?: CommitGate): Promise<{ response: string }>;
}
