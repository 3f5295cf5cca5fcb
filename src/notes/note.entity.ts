import type { Opt } from '@mikro-orm/core';
import { Check, Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * An internal note about a client file or an account (a collaborator, a worker): staff's own text,
 * never sent, never shown to client-side accounts. Flagged as an alert, it is shown where that
 * person's file is opened until someone dismisses it.
 */
@Entity({ tableName: 'note' })
@Check({ name: 'note_one_subject', expression: '(client_id is null) <> (user_id is null)' })
@Index({ name: 'note_company_client_index', properties: ['companyId', 'clientId', 'id'] })
@Index({ name: 'note_company_user_index', properties: ['companyId', 'userId', 'id'] })
export class Note extends CompanyLedEntity {
  @Property({ type: 'uuid', nullable: true }) clientId: Opt<string> | null = null;
  @Property({ type: 'uuid', nullable: true }) userId: Opt<string> | null = null;
  @Property({ type: 'uuid' }) authorId!: string;
  @Property({ type: 'text' }) text!: string;
  @Property({ type: 'boolean' }) alert: Opt<boolean> = false;
  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true }) dismissedAt: Opt<Date> | null = null;
  @Property({ type: 'uuid', nullable: true }) dismissedBy: Opt<string> | null = null;
}
