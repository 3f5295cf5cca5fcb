import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { OUTCOME_UNKNOWN, ProviderError } from '../../channels/provider-error.js';
import { type CommitGate, CommitRefused, EmailTransport, type OutgoingEmail } from './email.port.js';

interface SmtpFailure {
  responseCode?: number;
  command?: string;
  code?: string;
  message: string;
}

/** SMTP reply codes (5xx) that say the recipient address itself is wrong. */
const BAD_RECIPIENT = new Set([550, 551, 553]);

/** The send option (copied by nodemailer onto the message it compiles) that carries a send's gate. */
const GATE_OPTION = 'relaisCommitGate';

/** What a nodemailer 'stream' plugin sees of a message: its options and its compiled MIME tree. */
interface CompiledMail {
  data: { [GATE_OPTION]?: CommitGate };
  message: { createReadStream: (options?: object) => Readable };
}

/**
 * The last stage of an outgoing message, between nodemailer's MIME stream and the SMTP DATA stream:
 * it passes the bytes on and holds back the end of the stream, which is what makes nodemailer write
 * the terminating "<CRLF>.<CRLF>", until the gate resolved. Its readable side buffers nothing
 * (high-water mark 0), so it is only drained by the DATA stream, piped after the relay's 354: the
 * gate never runs before the relay took the envelope. When the gate says no, the stream fails; the
 * pool drops that connection, and a relay discards a message whose data did not end.
 */
class CommitGateStream extends Transform {
  constructor(private readonly gate: CommitGate) {
    super({ readableHighWaterMark: 0 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.gate().then(
      (commit) => callback(commit ? null : new CommitRefused()),
      (error: Error) => callback(error),
    );
  }
}

/** A 'stream' plugin: a send given a gate gets its message stream ended through CommitGateStream. */
function gateMessageEnd(mail: CompiledMail, done: (error?: Error | null) => void): void {
  const gate = mail.data[GATE_OPTION];
  if (gate) {
    const message = mail.message;
    const createReadStream = message.createReadStream.bind(message);
    message.createReadStream = (options?: object) =>
      pipeline(createReadStream(options), new CommitGateStream(gate), () => undefined);
  }
  done();
}

/** SMTP through nodemailer's pooled transport: a few long-lived connections shared by all jobs. */
@Injectable()
export class SmtpEmailTransport extends EmailTransport implements OnApplicationShutdown {
  private transporter: Transporter | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    super();
  }

  async send(email: OutgoingEmail, beforeCommit?: CommitGate): Promise<{ response: string }> {
    const bracket = (id: string) => `<${id}>`;
    // nodemailer reports a failed message stream as its own error: whether the gate said no is kept here.
    let calledOff = false;
    let committed = false;
    const gate =
      beforeCommit &&
      (async () => {
        const commit = await beforeCommit();
        calledOff = !commit;
        committed = commit;
        return commit;
      });
    const options: SendMailOptions & { [GATE_OPTION]?: CommitGate } = {
      [GATE_OPTION]: gate,
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
    };
    try {
      const info = (await this.transport().sendMail(options)) as { response: unknown };
      return { response: String(info.response) };
    } catch (error) {
      if (calledOff) throw new CommitRefused();
      throw classify(error as SmtpFailure, committed);
    }
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  /** Made on first use: the API process builds this module too but never sends. */
  private transport(): Transporter {
    if (this.transporter) return this.transporter;
    const { url, poolMax, timeoutMs } = this.config.smtp;
    this.transporter = nodemailer.createTransport({
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
    this.transporter.use('stream', gateMessageEnd as unknown as Parameters<Transporter['use']>[1]);
    return this.transporter;
  }
}

/** `committed`: the final dot may have been written (the gate passed) when the failure happened. */
function classify(error: SmtpFailure, committed: boolean): ProviderError {
  const code = error.responseCode;
  const message = error.message.slice(0, 500);
  // No answer to a committed message (connection reset, timeout): the relay may have queued it.
  if (!code && committed) return new ProviderError(OUTCOME_UNKNOWN, `No answer after the message was committed: ${message}`, error.code ?? null);
  if (!code || code < 500) return new ProviderError('transient', message, code ? String(code) : (error.code ?? null));
  if (error.command === 'RCPT TO' && BAD_RECIPIENT.has(code)) return new ProviderError('invalid_address', message, String(code));
  return new ProviderError('permanent', message, String(code));
}
