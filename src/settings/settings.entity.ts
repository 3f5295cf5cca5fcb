import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { User } from '../accounts/user.entity.js';
import { Company } from '../core/tenancy/company.entity.js';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

export const COPY_CHANNELS = ['email', 'sms', 'fax'] as const;
export type CopyChannel = (typeof COPY_CHANNELS)[number];

export const BANNER_AUDIENCES = ['collaborators', 'clients'] as const;
export type BannerAudience = (typeof BANNER_AUDIENCES)[number];

/** What the `replyAlerts` setting means, for the entity and the API documentation. */
export const REPLY_ALERTS_MEANING = 'Email alerts when a client answers a thread the account wrote (managers: every thread of the company)';

/** What the `discussionAlerts` setting means, for the entity and the API documentation. */
export const DISCUSSION_ALERTS_MEANING =
  'Email alerts about portal discussions: to a client or worker, each new discussion shown on its portal and each staff reply; to a file manager, each discussion opened from a portal';

/** Company-wide defaults (each account may override its own), the copy circle and the banner. */
@Entity({ tableName: 'company_settings' })
export class CompanySettings {
  @ManyToOne(() => Company, { mapToPk: true, fieldName: 'company_id', primary: true })
  companyId!: string;

  /** Channels ticked by default for the client's copy of a new message. */
  @Enum({ items: () => COPY_CHANNELS, array: true, nativeEnumName: 'copy_channel' })
  defaultChannels: Opt<CopyChannel[]> = ['email'];

  /** The message template pre-filled on every new message (message templates come with messages). */
  @Property({ type: 'uuid', nullable: true })
  defaultMessageTemplateId: Opt<string> | null = null;

  /** A short text added to the compose title. */
  @Property({ type: 'text', nullable: true })
  messageInfo: Opt<string> | null = null;

  /** REPLY_ALERTS_MEANING; on unless changed. */
  @Property({ type: 'boolean' })
  replyAlerts: Opt<boolean> = true;

  /** DISCUSSION_ALERTS_MEANING; on unless changed. */
  @Property({ type: 'boolean' })
  discussionAlerts: Opt<boolean> = true;

  @Property({ type: 'text', nullable: true })
  bannerText: Opt<string> | null = null;

  @Enum({ items: () => BANNER_AUDIENCES, nativeEnumName: 'banner_audience', nullable: true })
  bannerAudience: Opt<BannerAudience> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}

/** One account's overrides of the company defaults; null means "as the company". */
@Entity({ tableName: 'user_settings' })
export class UserSettings {
  @ManyToOne(() => User, { mapToPk: true, fieldName: 'user_id', primary: true, deleteRule: 'cascade' })
  userId!: string;

  @Enum({ items: () => COPY_CHANNELS, array: true, nativeEnumName: 'copy_channel', nullable: true })
  defaultChannels: Opt<CopyChannel[]> | null = null;

  @Property({ type: 'uuid', nullable: true })
  defaultMessageTemplateId: Opt<string> | null = null;

  @Property({ type: 'text', nullable: true })
  messageInfo: Opt<string> | null = null;

  @Property({ type: 'boolean', nullable: true })
  replyAlerts: Opt<boolean> | null = null;

  @Property({ type: 'boolean', nullable: true })
  discussionAlerts: Opt<boolean> | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}

/** A saved phrase operators insert while writing (aide à la saisie). */
@Entity({ tableName: 'snippet' })
export class Snippet extends CompanyOwnedEntity {
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) text!: string;
}
