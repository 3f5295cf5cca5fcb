import type { Opt } from '@mikro-orm/core';
import { Entity, Property } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../database/base.entity.js';

/**
 * The tenant: one telephone-answering or home-services company. It lives in `core` because every
 * tenant-owned row references it; the accounts module manages it.
 */
@Entity({ tableName: 'company' })
export class Company extends BaseEntity {
  @Property({ type: 'text' })
  name!: string;

  /** ISO 3166 alpha-2: national phone numbers typed for this company are read in its numbering plan. */
  @Property({ type: 'text', default: 'FR' })
  country: Opt<string> = 'FR';
}
