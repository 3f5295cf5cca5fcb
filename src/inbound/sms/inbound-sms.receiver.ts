import { twilioSigned } from '../../channels/twilio-signature.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import twilio from 'twilio';
import { type SmsCredentials, SmsNumbersService } from '../../channels/sms-numbers.service.js';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { DomainError } from '../../core/errors/domain-error.js';
import type { InboundSmsMedia } from './inbound-sms.entity.js';
import { InboundSmsWriter } from './inbound-sms.writer.js';
import { storableText } from '../../core/database/storable-text.js';
import { toE164 } from '../../core/phone/phone-number.js';
import { keywordOf, storableParams } from './sms-text.js';

/** What the webhook passes on of the HTTP request. */
export interface TwilioWebhookRequest {
  formEncoded: boolean;
  /** The parsed form (urlencoded, flat). */
  params: unknown;
  signature: string | undefined;
  /** The public URL Twilio posted to (PUBLIC_BASE_URL + path and query): what it signed. */
  url: string;
}

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/;
const MAX_MEDIA = 10;
/** Twilio gives up after 15 s; answering 503 well before lets it retry instead. */
const STORE_TIMEOUT_MS = 5_000;
/**
 * How long a number read for one webhook serves the next ones. Another API process's change to the
 * number (removal, rotation) reaches this one within this delay; the process that made it, at once.
 */
const NUMBER_CACHE_MS = 10_000;
const TO_NUMBERS_MAX = 1_000;

function invalid(field: string, problem: string): DomainError {
  return new DomainError('validation_failed', `The webhook is invalid (${field})`, [{ field, problems: [problem] }]);
}

/**
 * The acknowledging half of inbound SMS: checks Twilio's signature with the auth token of the number
 * the SMS was sent to and stores the SMS (once per MessageSid, committed) before Twilio gets its 200;
 * its processing is enqueued after that. When PostgreSQL is down or too slow, the answer is 503 so
 * Twilio retries; content PostgreSQL would refuse (NUL bytes) is made storable instead, since a
 * retry would be refused again and the SMS lost when Twilio gives up.
 */
@Injectable()
export class InboundSmsReceiver {
  private readonly logger = new Logger('inbound-sms');
  private readonly emptyAnswer = new twilio.twiml.MessagingResponse().toString();
  /** Number reads in progress, by To number and Messaging Service. */
  private readonly reading = new Map<string, Promise<SmsCredentials | null>>();
  private readonly toNumbers = new Map<string, string>();

  constructor(
    private readonly numbers: SmsNumbersService,
    private readonly writer: InboundSmsWriter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The TwiML to answer with. */
  async receive(request: TwilioWebhookRequest): Promise<string> {
    if (!request.formEncoded) throw new DomainError('unsupported_media_type', 'Twilio webhooks are application/x-www-form-urlencoded');
    const params = this.flatParams(request.params);
    const to = params.To?.trim() || null;
    const service = params.MessagingServiceSid?.trim() || null;
    if (!to && !service) throw invalid('To', 'To or MessagingServiceSid is required');
    const number = await this.checkSignature(request, params, to ? this.ourNumber(to) : null, service);
    const sid = params.MessageSid ?? '';
    if (!MESSAGE_SID.test(sid)) throw invalid('MessageSid', 'MessageSid must be SM or MM followed by 32 hexadecimal digits');
    if (!params.From?.trim()) throw invalid('From', 'From is required');
    // Checked as signed, stored as PostgreSQL can hold it (NUL bytes replaced).
    const kept = storableParams(params);
    const media = this.mediaOf(kept);
    const stored = await this.unlessDown(() =>
      this.writer.store({
        companyId: number.companyId,
        messageSid: sid,
        accountSid: params.AccountSid,
        smsNumberId: number.smsNumberId,
        fromRaw: kept.From.trim(),
        toRaw: storableText(to ?? service ?? ''),
        body: kept.Body ?? '',
        media,
        params: kept,
      }),
    );
    // Also for a retried webhook whose first enqueue failed; the job id keeps it to one job.
    if (stored.status === 'received') this.writer.enqueue(stored.id);
    return this.answer(params.Body ?? '');
  }

  /**
   * The number the SMS was sent to, once the signature proves Twilio sent it with that number's
   * token. The number may come from a short-lived cache; a signature that fails against it is
   * checked again against a fresh read, so a token just rotated elsewhere is honoured at once.
   */
  private async checkSignature(request: TwilioWebhookRequest, params: Record<string, string>, to: string | null, service: string | null): Promise<SmsCredentials> {
    let number = await this.lookUp(to, service, NUMBER_CACHE_MS);
    let valid = this.signedBy(request, params, number);
    if (!valid) {
      const fresh = await this.lookUp(to, service, 0);
      if (fresh.authToken !== number.authToken) valid = this.signedBy(request, params, fresh);
      number = fresh;
    }
    if (!valid) {
      this.logger.warn(`refused an SMS webhook with ${request.signature ? 'an invalid' : 'no'} signature (number ${number.smsNumberId}, url ${request.url})`);
      throw new DomainError('permission_denied', 'The X-Twilio-Signature header does not sign this request');
    }
    if (params.AccountSid !== number.accountSid) {
      this.logger.warn(`refused an SMS webhook from account ${params.AccountSid ?? '-'} for number ${number.smsNumberId}`);
      throw new DomainError('permission_denied', 'AccountSid is not the account of this number');
    }
    return number;
  }

  private async lookUp(to: string | null, service: string | null, maxAgeMs: number): Promise<SmsCredentials> {
    const number = await this.unlessDown(() => this.receiverFor(to, service, maxAgeMs));
    if (!number) {
      this.logger.warn(`refused an SMS webhook for an unknown number (To ${to ?? '-'}, service ${service ?? '-'})`);
      throw new DomainError('not_found', 'No SMS number is configured for this To number or Messaging Service');
    }
    return number;
  }

  /**
   * The number's credentials. When the cached ones expire under load, every webhook then arriving
   * would read the number again: they share the one read in progress instead. A fresh read
   * (maxAgeMs 0, after a failed signature) is never shared with a read that started earlier.
   */
  private receiverFor(to: string | null, service: string | null, maxAgeMs: number): Promise<SmsCredentials | null> {
    if (maxAgeMs === 0) return this.numbers.receiverFor(to, service, { maxAgeMs });
    const key = `${to ?? ''}|${service ?? ''}`;
    let reading = this.reading.get(key);
    if (!reading) {
      reading = this.numbers.receiverFor(to, service, { maxAgeMs }).finally(() => this.reading.delete(key));
      this.reading.set(key, reading);
    }
    return reading;
  }

  /** The To number in E.164 as numbers are configured (as sent when it does not parse); webhooks mostly name the same few numbers. */
  private ourNumber(to: string): string {
    let number = this.toNumbers.get(to);
    if (number === undefined) {
      if (this.toNumbers.size >= TO_NUMBERS_MAX) this.toNumbers.clear();
      number = toE164(to) ?? to;
      this.toNumbers.set(to, number);
    }
    return number;
  }

  private signedBy(request: TwilioWebhookRequest, params: Record<string, string>, number: SmsCredentials): boolean {
    return twilioSigned(number.authToken, request.signature, request.url, params);
  }

  /** A form field given twice is refused: the signature covers single values only. */
  private flatParams(body: unknown): Record<string, string> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw invalid('body', 'The form has no fields');
    const params: Record<string, string> = {};
    for (const [key, value] of Object.entries(body)) {
      if (typeof value !== 'string') throw invalid(key, `${key} is given more than once`);
      params[key] = value;
    }
    return params;
  }

  private mediaOf(params: Record<string, string>): InboundSmsMedia[] {
    const count = Number(params.NumMedia ?? '0');
    if (!Number.isInteger(count) || count < 0 || count > MAX_MEDIA) throw invalid('NumMedia', `NumMedia must be a whole number from 0 to ${MAX_MEDIA}`);
    const media: InboundSmsMedia[] = [];
    for (let i = 0; i < count; i += 1) {
      const url = params[`MediaUrl${i}`];
      if (!url || !/^https?:\/\//.test(url)) throw invalid(`MediaUrl${i}`, `MediaUrl${i} must be an http(s) URL`);
      media.push({ url, contentType: params[`MediaContentType${i}`] || 'application/octet-stream' });
    }
    return media;
  }

  /** HELP is answered at once in the TwiML (the job only records it); everything else gets an empty answer. */
  private answer(body: string): string {
    if (keywordOf(body) !== 'help') return this.emptyAnswer;
    const response = new twilio.twiml.MessagingResponse();
    response.message(this.config.inboundSms.helpText);
    return response.toString();
  }

  /** PostgreSQL failing (or too slow) becomes a 503 Twilio retries; nothing is acknowledged. */
  private async unlessDown<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([work(), timeout]);
    } catch (error) {
      if (error instanceof DomainError) throw error;
      this.logger.error(`inbound SMS not stored, answering 503: ${(error as Error).message}`);
      throw new DomainError('not_ready', 'The SMS could not be stored; retry later');
    } finally {
      clearTimeout(timer);
    }
  }
}
