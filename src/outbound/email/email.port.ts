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
 * Hands emails to an SMTP relay. Resolves once the relay accepted the message (250); rejects with
 * a ProviderError: transient for 4xx and network trouble, invalid_address / permanent for 5xx.
 */
export abstract class EmailTransport {
  abstract send(email: OutgoingEmail): Promise<{ response: string }>;
}
