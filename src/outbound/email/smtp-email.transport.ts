import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { ProviderError } from '../provider-error.js';
import { EmailTransport, type OutgoingEmail } from './email.port.js';

interface SmtpFailure {
  responseCode?: number;
  command?: string;
  code?: string;
  message: string;
}

/** SMTP reply codes (5xx) that say the recipient address itself is wrong. */
const BAD_RECIPIENT = new Set([550, 551, 553]);

/** SMTP through nodemailer's pooled transport: a few long-lived connections shared by all jobs. */
@Injectable()
export class SmtpEmailTransport extends EmailTransport implements OnApplicationShutdown {
  private transporter: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async send(email: OutgoingEmail): Promise<{ response: string }> {
    const bracket = (id: string) => `<${id}>`;
    try {
      const info = await this.transport().sendMail({
        from: { address: email.from.address, name: email.from.name },
        to: email.to,
        replyTo: email.replyTo ?? undefined,
        subject: email.subject,
        text: email.text,
        html: email.html ?? undefined,
        messageId: bracket(email.messageId),
        inReplyTo: email.inReplyTo ? bracket(email.inReplyTo) : undefined,
        references: email.references.length > 0 ? email.references.map(bracket) : undefined,
        attachments: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
      });
      return { response: String(info.response) };
    } catch (error) {
      throw classify(error as SmtpFailure);
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  /** Made on first use: the API process builds this module too but never sends. */
  private transport(): Transporter {
    const { url, poolMax, timeoutMs } = this.config.smtp;
    this.transporter ??= nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: poolMax,
      maxMessages: Infinity,
      // Every retry is ours (recorded as an attempt, after the claim), never a silent re-send by the pool.
      maxRequeues: 0,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return this.transporter;
  }
}

function classify(error: SmtpFailure): ProviderError {
  const code = error.responseCode;
  const message = error.message.slice(0, 500);
  if (!code || code < 500) return new ProviderError('transient', message, code ? String(code) : (error.code ?? null));
  if (error.command === 'RCPT TO' && BAD_RECIPIENT.has(code)) return new ProviderError('invalid_address', message, String(code));
  return new ProviderError('permanent', message, String(code));
}
