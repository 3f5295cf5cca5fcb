import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { CompanyOwnedEntity } from '../core/tenancy/company-owned.entity.js';

/** A customer of the answering service: the "file" (fiche) messages are written on. */
@Entity({ tableName: 'client' })
export class Client extends CompanyOwnedEntity {
  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', nullable: true }) email: string | null = null;
  /** E.164. */
  @Property({ type: 'text', nullable: true }) mobile: string | null = null;
  /** E.164. */
  @Property({ type: 'text', nullable: true }) fax: string | null = null;
  @Property({ type: 'text', nullable: true }) street: string | null = null;
  @Property({ type: 'text', nullable: true }) postalCode: string | null = null;
  @Property({ type: 'text', nullable: true }) city: string | null = null;
}

/** The client's own customer or patient: never logs in, appears on messages and home visits. */
@Entity({ tableName: 'contact' })
export class Contact extends CompanyOwnedEntity {
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id', deleteRule: 'cascade', index: true })
  clientId!: string;

  @Property({ type: 'text' }) name!: string;
  @Property({ type: 'text', nullable: true }) email: string | null = null;
  @Property({ type: 'text', nullable: true }) phone: string | null = null;
  @Property({ type: 'text', nullable: true }) street: string | null = null;
  @Property({ type: 'text', nullable: true }) postalCode: string | null = null;
  @Property({ type: 'text', nullable: true }) city: string | null = null;
}

/** Where an instruction (consigne) is shown to operators. */
export const INSTRUCTION_VISIBILITIES = ['message', 'call', 'vad'] as const;
export type InstructionVisibility = (typeof INSTRUCTION_VISIBILITIES)[number];

/** A standing instruction of the client, shown while composing a message and/or taking a call. */
@Entity({ tableName: 'instruction' })
export class Instruction extends CompanyOwnedEntity {
  @ManyToOne(() => Client, { mapToPk: true, fieldName: 'client_id', deleteRule: 'cascade', index: true })
  clientId!: string;

  @Property({ type: 'text' }) text!: string;

  @Enum({ items: () => INSTRUCTION_VISIBILITIES, array: true, nativeEnumName: 'instruction_visibility' })
  visibility: Opt<InstructionVisibility[]> = ['message'];
}
