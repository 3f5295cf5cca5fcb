import type { Opt } from '@mikro-orm/core';
import { Check, Entity, Index, Property } from '@mikro-orm/decorators/legacy';
import { CompanyLedEntity } from '../core/tenancy/company-owned.entity.js';

/**
 * Glossary: a "discussion" (fil de discussion) is a thread between the staff and one person of the
 * company's portal: a client file (its client and secretary accounts) or a worker (intervenant). It
 * is a conversation of kind `discussion` (its id is its conversation's id): the first message is
 * kept here, replies are the conversation's entries. Staff see every discussion; the person sees it
 * on its portal only while it is marked visible. The file manager is the staff account the person's
 * messages are addressed to (its alerts).
 */
@Entity({ tableName: 'discussion' })
@Check({ name: 'discussion_one_subject', expression: '(client_id is null) <> (worker_id is null)' })
@Index({ name: 'discussion_company_client_index', properties: ['companyId', 'clientId', 'id'] })
@Index({ name: 'discussion_company_worker_index', properties: ['companyId', 'workerId', 'id'] })
export class Discussion extends CompanyLedEntity {
  /** The client file it is about (or workerId). */
  @Property({ type: 'uuid', nullable: true }) clientId: Opt<string> | null = null;
  /** The worker account it is about (or clientId). */
  @Property({ type: 'uuid', nullable: true }) workerId: Opt<string> | null = null;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text' }) body!: string;
  /** Who opened it: a collaborator, or the person from its portal. */
  @Property({ type: 'uuid' }) authorId!: string;
  /** The collaborator who handles it (its file manager): alerted of what comes from the portal. */
  @Property({ type: 'uuid' }) managerId!: string;
  /** Another person it concerns, optionally: an account of the company (collaborator, worker)… */
  @Property({ type: 'uuid', nullable: true }) linkedUserId: Opt<string> | null = null;
  /** …or a client file of the company. */
  @Property({ type: 'uuid', nullable: true }) linkedClientId: Opt<string> | null = null;
  /** Shown on the person's portal (off by default for what staff open; always on for what the portal opens). */
  @Property({ type: 'boolean' }) visible: Opt<boolean> = false;
}
