import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { SecretBox } from '../core/crypto/secret-box.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { type Page, type PageQuery, pageWindow, toPage } from '../core/http/params.js';
import { SmsNumber } from './sms-number.entity.js';
import { type OwnershipClaim, type Ownership, OwnershipUnknown, SmsNumberOwnership } from './sms-numbers.ownership.js';
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
  private readonly logger = new Logger('channels');
  private readonly receivers = new Map<string, { credentials: SmsCredentials; at: number }>();

  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    private readonly ownership: SmsNumberOwnership,
  ) {}

  async list(auth: AuthContext, query: PageQuery): Promise<Page<SmsNumberView>> {
    const { limit, after } = pageWindow(query);
    const rows = await this.em.find(SmsNumber, { companyId: auth.companyId, ...after }, { orderBy: { id: 'asc' }, limit: limit + 1 });
    return toPage(rows, limit, toSmsNumberView);
  }

  async get(auth: AuthContext, id: string): Promise<SmsNumberView> {
    return toSmsNumberView(await this.find(auth, id));
  }

  /**
   * Registers a number once Twilio confirmed the credentials can read it. A number held by a row
   * that was never verified (registered before the check existed, perhaps by someone who could not
   * have passed it) is taken over by the company that proves ownership; a verified holder keeps it.
   */
  async create(auth: AuthContext, input: CreateSmsNumberDto): Promise<SmsNumberView> {
    const claim = { accountSid: input.accountSid, authToken: input.authToken, phoneNumber: input.phoneNumber ?? null, messagingServiceSid: input.messagingServiceSid ?? null };
    this.checkAddressed(claim);
    await this.verify(claim);
    const view = await this.saveVerified(async (em) => {
      await this.takeOver(em, claim, null);
      const row = em.create(SmsNumber, {
        companyId: auth.companyId,
        phoneNumber: claim.phoneNumber,
        messagingServiceSid: claim.messagingServiceSid,
        accountSid: claim.accountSid,
        authTokenSealed: this.box.seal(claim.authToken),
        verifiedAt: new Date(),
      });
      this.audit.record(em, auth, 'sms_number.create', { type: 'sms_number', id: row.id }, null, snapshot(row));
      return row;
    });
    this.receivers.clear();
    return view;
  }

  /** A change of number, Messaging Service, account or token is verified with Twilio as a registration is. */
  async update(auth: AuthContext, id: string, changes: UpdateSmsNumberDto): Promise<SmsNumberView> {
    const current = await this.find(auth, id);
    const { authToken, ...fields } = changes;
    const claim = {
      accountSid: fields.accountSid ?? current.accountSid,
      authToken: authToken ?? this.box.open(current.authTokenSealed),
      phoneNumber: fields.phoneNumber !== undefined ? fields.phoneNumber : current.phoneNumber,
      messagingServiceSid: fields.messagingServiceSid !== undefined ? fields.messagingServiceSid : current.messagingServiceSid,
    };
    this.checkAddressed(claim);
    const changed =
      claim.accountSid !== current.accountSid ||
      authToken !== undefined ||
      claim.phoneNumber !== current.phoneNumber ||
      claim.messagingServiceSid !== current.messagingServiceSid;
    if (changed) await this.verify(claim);
    const view = await this.saveVerified(async (em) => {
      if (changed) await this.takeOver(em, claim, id);
      const row = await em.findOneOrFail(SmsNumber, { companyId: auth.companyId, id });
      const before = snapshot(row);
      em.assign(row, fields);
      if (authToken !== undefined) row.authTokenSealed = this.box.seal(authToken);
      if (changed) row.verifiedAt = new Date();
      // The token is not in the snapshot (hidden); say that it changed without saying what it is.
      this.audit.record(em, auth, 'sms_number.update', { type: 'sms_number', id }, before, {
        ...snapshot(row),
        ...(authToken !== undefined ? { authToken: 'rotated' } : {}),
      });
      return row;
    });
    this.receivers.clear();
    return view;
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
   * The auth token of the company's Twilio account `accountSid` (a delivery report names it), to
   * check a webhook's signature with; null when the company has no number on that account, or its
   * token was sealed under another key (a rotation): such a report verifies nothing.
   */
  async authTokenOf(companyId: string, accountSid: string): Promise<string | null> {
    const row = await this.em.fork().findOne(SmsNumber, { companyId, accountSid }, { orderBy: { id: 'asc' } });
    if (!row) return null;
    try {
      return this.box.open(row.authTokenSealed);
    } catch {
      return null;
    }
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

  private checkAddressed(claim: Pick<OwnershipClaim, 'phoneNumber' | 'messagingServiceSid'>): void {
    if (!claim.phoneNumber && !claim.messagingServiceSid) {
      throw new DomainError('validation_failed', 'Give a phoneNumber, a messagingServiceSid, or both', [
        { field: 'phoneNumber', problems: ['phoneNumber or messagingServiceSid is required'] },
      ]);
    }
  }

  /** Twilio must confirm that these credentials can read the number and the Messaging Service. */
  private async verify(claim: OwnershipClaim): Promise<void> {
    let ownership: Ownership;
    try {
      ownership = await this.ownership.check(claim);
    } catch (error) {
      if (!(error instanceof OwnershipUnknown)) throw error;
      this.logger.warn(`could not verify an SMS number with Twilio: ${error.message}`);
      throw new DomainError('twilio_unavailable', 'Twilio could not be reached to verify this number; nothing was saved, try again shortly');
    }
    if (ownership.kind === 'bad_credentials') {
      throw new DomainError('sms_number_not_verified', 'Twilio refused this account SID and auth token', [
        { field: 'authToken', problems: ['Twilio does not accept this account SID and auth token'] },
      ]);
    }
    if (ownership.kind === 'not_owned') {
      const what = ownership.missing === 'phoneNumber' ? `number ${claim.phoneNumber}` : `Messaging Service ${claim.messagingServiceSid}`;
      throw new DomainError('sms_number_not_verified', `This Twilio account does not hold the ${what}`, [
        { field: ownership.missing, problems: [`not found in Twilio account ${claim.accountSid}`] },
      ]);
    }
  }

  /**
   * Frees what a never-verified row of any company (other than `self`) holds of a verified claim's
   * number and Messaging Service: the field is cleared, the row removed when it holds nothing else.
   * Its company's audit log says so, without naming who took it over. Written at once, before the
   * claiming row is, whose write would otherwise hit the unique keys.
   */
  private async takeOver(em: EntityManager, row: Pick<SmsNumber, 'phoneNumber' | 'messagingServiceSid'>, self: string | null): Promise<void> {
    const contested = [
      ...(row.phoneNumber ? [{ phoneNumber: row.phoneNumber }] : []),
      ...(row.messagingServiceSid ? [{ messagingServiceSid: row.messagingServiceSid }] : []),
    ];
    const holders = await em.find(SmsNumber, { $or: contested, verifiedAt: null, ...(self ? { id: { $ne: self } } : {}) });
    for (const holder of holders) {
      const before = snapshot(holder);
      if (holder.phoneNumber && holder.phoneNumber === row.phoneNumber) holder.phoneNumber = null;
      if (holder.messagingServiceSid && holder.messagingServiceSid === row.messagingServiceSid) holder.messagingServiceSid = null;
      const emptied = !holder.phoneNumber && !holder.messagingServiceSid;
      this.audit.record(em, { companyId: holder.companyId, userId: null }, 'sms_number.taken_over', { type: 'sms_number', id: holder.id }, before, emptied ? null : snapshot(holder));
      if (emptied) em.remove(holder);
    }
    if (holders.length > 0) await em.flush();
  }

  /** Runs the change in a transaction; a number or service held by a verified row is a 409 that names nobody. */
  private async saveVerified(change: (em: EntityManager) => Promise<SmsNumber>): Promise<SmsNumberView> {
    try {
      return toSmsNumberView(await this.em.transactional(change));
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new DomainError('conflict', 'This phone number or Messaging Service is already configured');
      }
      throw error;
    }
  }
}
