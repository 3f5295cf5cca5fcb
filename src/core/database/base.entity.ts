import type { Opt } from '@mikro-orm/core';
import { PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { newId } from './new-id.js';

/**
 * Conventions every table follows:
 * - `id`: a UUIDv7 made by the application, so ids are unguessable, known before the insert, and
 *   sort by creation time (cursor pagination can use them);
 * - `created_at` / `updated_at`: `timestamptz`, set by the application (UTC);
 * - tenant data carries `company_id` (see CompanyOwnedEntity in core/tenancy), and every query on
 *   it filters by it.
 */
export abstract class BaseEntity {
  @PrimaryKey({ type: 'uuid' })
  id: string = newId();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Opt<Date> = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Opt<Date> = new Date();
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
