import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { SecretBox } from '../core/crypto/secret-box.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, type PageQuery, pageWindow, toPage } from '../core/http/params.js';
import { SmsNumber } from './sms-number.entity.js';
import { type CreateSmsNumberDto, type SmsNumberView, toSmsNumberView, type UpdateSmsNumberDto } from './sms-number.dto.js';

/** What a sender (outbound) or a signature check (inbound) needs of a number: the token in clear. */
export interface SmsCredentials {
  smsNumberId: string;
  companyId: string;
  accountSid: string;
  authToken: string;
  /** E.164 sender number; null when messages go through the Messaging Service. */
  phoneNumber: string | null;
  messagingServiceSid: string | null;
}

/**
 * The companies' Twilio numbers. The auth token is sealed before it is stored and only opened for
 * the code that signs or checks Twilio requests; the API never shows it.
 */
const RECEIVER_CACHE_MAX = 1_000;

@Injectable()
export class SmsNumbersService {
  private readonly receivers = new Map<string, { credentials: SmsCredentials; at: number }>();

  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
  ) {}

  async list(auth: AuthContext, query: PageQuery): Promise<Page<SmsNumberView>> {
    const { limit, after } = pageWindow(query);
    const rows = await this.em.find(SmsNumber, { companyId: auth.companyId, ...after }, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(rows, limit, toSmsNumberView);
  }

  async get(auth: AuthContext, id: string): Promise<SmsNumberView> {
    return toSmsNumberView(await this.find(auth, id));
  }

  async create(auth: AuthContext, input: CreateSmsNumberDto): Promise<SmsNumberView> {
    const row = this.em.create(SmsNumber, {
      companyId: auth.companyId,
      phoneNumber: input.phoneNumber ?? null,
      messagingServiceSid: input.messagingServiceSid ?? null,
      accountSid: input.accountSid,
      authTokenSealed: this.box.seal(input.authToken),
    });
    this.checkAddressed(row);
    this.audit.record(this.em, auth, 'sms_number.create', { type: 'sms_number', id: row.id }, null, snapshot(row));
    await this.flushUnique();
    return toSmsNumberView(row);
  }

  async update(auth: AuthContext, id: string, changes: UpdateSmsNumberDto): Promise<SmsNumberView> {
    const row = await this.find(auth, id);
    const before = snapshot(row);
    const { authToken, ...fields } = changes;
    this.em.assign(row, fields);
    if (authToken !== undefined) row.authTokenSealed = this.box.seal(authToken);
    this.checkAddressed(row);
    this.receivers.clear();
    // The token is not in the snapshot (hidden); say that it changed without saying what it is.
    this.audit.record(this.em, auth, 'sms_number.update', { type: 'sms_number', id }, before, {
      ...snapshot(row),
      ...(authToken !== undefined ? { authToken: 'rotated' } : {}),
    });
    await this.flushUnique();
    return toSmsNumberView(row);
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const row = await this.find(auth, id);
    this.audit.record(this.em, auth, 'sms_number.delete', { type: 'sms_number', id }, snapshot(row), null);
    this.receivers.clear();
    this.em.remove(row);
    await this.em.flush();
  }

  /** The number a company sends from: its first configured one (null when it has none). */
  async senderFor(companyId: string): Promise<SmsCredentials | null> {
    // A fork: callable from a job or a request alike, and read-only (nothing to flush).
    const row = await this.em.fork().findOne(SmsNumber, { companyId }, { orderBy: { id: 'asc' } });
    return row ? this.credentials(row) : null;
  }

  /**
   * The number an inbound SMS was sent to: by its To number, else by its Messaging Service. Not
   * scoped to a company: the webhook learns the company from this very lookup. With `maxAgeMs`, an
   * answer read that recently may be reused (webhooks would otherwise read and decrypt the same
   * row each time); changes made through this process drop it at once, other processes' after
   * `maxAgeMs` at most.
   */
  async receiverFor(to: string | null, messagingServiceSid: string | null, options: { maxAgeMs?: number } = {}): Promise<SmsCredentials | null> {
    const key = `${to ?? ''}|${messagingServiceSid ?? ''}`;
    const cached = this.receivers.get(key);
    if (cached && options.maxAgeMs && Date.now() - cached.at <= options.maxAgeMs) return cached.credentials;
    // A fork: callable from a job or a request alike, and read-only (nothing to flush).
    const em = this.em.fork();
    const byNumber = to ? await em.findOne(SmsNumber, { phoneNumber: to }) : null;
    const row = byNumber ?? (messagingServiceSid ? await em.findOne(SmsNumber, { messagingServiceSid }) : null);
    const credentials = row ? this.credentials(row) : null;
    if (this.receivers.size >= RECEIVER_CACHE_MAX) this.receivers.clear();
    if (credentials) this.receivers.set(key, { credentials, at: Date.now() });
    else this.receivers.delete(key);
    return credentials;
  }

  private credentials(row: SmsNumber): SmsCredentials {
    return {
      smsNumberId: row.id,
      companyId: row.companyId,
      accountSid: row.accountSid,
      authToken: this.box.open(row.authTokenSealed),
      phoneNumber: row.phoneNumber,
      messagingServiceSid: row.messagingServiceSid,
    };
  }

  private async find(auth: AuthContext, id: string): Promise<SmsNumber> {
    const row = await this.em.findOne(SmsNumber, { companyId: auth.companyId, id });
    if (!row) throw new NotFoundError('SMS number');
    return row;
  }

  private checkAddressed(row: SmsNumber): void {
    if (!row.phoneNumber && !row.messagingServiceSid) {
      throw new DomainError('validation_failed', 'Give a phoneNumber, a messagingServiceSid, or both', [
        { field: 'phoneNumber', problems: ['phoneNumber or messagingServiceSid is required'] },
      ]);
    }
  }

  private async flushUnique(): Promise<void> {
    try {
      await this.em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', 'This phone number or Messaging Service is already configured');
      }
      throw error;
    }
  }
}
