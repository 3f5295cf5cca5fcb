import type { Opt } from '@mikro-orm/core';
import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * A Twilio number (or Messaging Service) a company sends SMS copies from and receives replies on.
 * The auth token is sealed with SecretBox; it signs the webhooks Twilio sends for this account.
 * An inbound SMS finds its company by its To number (or Messaging Service SID), hence unique.
 */
@Entity({ tableName: 'sms_number' })
export class SmsNumber extends CompanyOwnedEntity {
  /** E.164, e.g. +33756781234; null when only a Messaging Service is used. */
  @Property({ type: 'text', nullable: true, unique: 'sms_number_phone_number_unique' })
  phoneNumber: Opt<string> | null = null;

  @Property({ type: 'text', nullable: true, unique: 'sms_number_messaging_service_sid_unique' })
  messagingServiceSid: Opt<string> | null = null;

  @Property({ type: 'text' }) accountSid!: string;

  /**
   * When Twilio confirmed these credentials can read the number and Messaging Service (checked on
   * registration and on every change of them). Null: registered before that check existed.
   */
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) verifiedAt: Opt<Date> | null = null;

  /** SecretBox-sealed Twilio auth token; never returned by the API. */
  @Property({ type: 'text', hidden: true }) authTokenSealed!: string;
}
