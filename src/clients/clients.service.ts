import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import { phoneField } from '../core/phone/phone-number.js';
import { companyCountry } from '../core/tenancy/company-country.js';
import { containsPattern, type Page, type PageQuery, pageWindow, toPage } from '../core/http/params.js';
import { Client, Contact, Instruction, type InstructionVisibility } from './client.entity.js';
import type {
  CreateClientDto,
  CreateContactDto,
  CreateInstructionDto,
  UpdateClientDto,
  UpdateContactDto,
  UpdateInstructionDto,
} from './dto/client.dto.js';

type Child = typeof Contact | typeof Instruction;

/**
 * Client files with their contacts and instructions. Client and secretary accounts only ever see
 * the file they are bound to: every lookup goes through `fileScope`.
 */
@Injectable()
export class ClientsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  private fileScope(auth: AuthContext): { companyId: string; id?: string } {
    return auth.clientId ? { companyId: auth.companyId, id: auth.clientId } : { companyId: auth.companyId };
  }

  async list(auth: AuthContext, query: PageQuery & { q?: string }): Promise<Page<Client>> {
    const { limit, after } = pageWindow(query);
    const rows = await this.em.find(
      Client,
      { ...this.fileScope(auth), ...after, ...(query.q ? { name: { $ilike: containsPattern(query.q) } } : {}) },
      { orderBy: { id: 'asc' }, limit: limit + 1 },
    );
    return toPage(rows, limit, (row) => row);
  }

  async get(auth: AuthContext, id: string): Promise<Client> {
    const scope = this.fileScope(auth);
    if (scope.id && scope.id !== id) throw new NotFoundError('Client');
    const client = await this.em.findOne(Client, { companyId: auth.companyId, id });
    if (!client) throw new NotFoundError('Client');
    return client;
  }

  /** The file's numbers in E.164, read in the company's country; a 400 naming the field otherwise. */
  private async withPhones<T extends { mobile?: string | null; fax?: string | null; phone?: string | null }>(auth: AuthContext, input: T): Promise<T> {
    if (input.mobile == null && input.fax == null && input.phone == null) return input;
    const country = await companyCountry(this.em, auth.companyId);
    const phones: Partial<T> = {};
    for (const field of ['mobile', 'fax', 'phone'] as const) {
      if (input[field] != null) phones[field] = phoneField(input[field], country, field);
    }
    return { ...input, ...phones };
  }

  async create(auth: AuthContext, input: CreateClientDto): Promise<Client> {
    const client = this.em.create(Client, { ...(await this.withPhones(auth, input)), companyId: auth.companyId });
    this.audit.record(this.em, auth, 'client.create', { type: 'client', id: client.id }, null, snapshot(client));
    await this.em.flush();
    return client;
  }

  async update(auth: AuthContext, id: string, changes: UpdateClientDto): Promise<Client> {
    const client = await this.get(auth, id);
    const before = snapshot(client);
    this.em.assign(client, await this.withPhones(auth, changes));
    this.audit.record(this.em, auth, 'client.update', { type: 'client', id }, before, snapshot(client));
    await this.em.flush();
    return client;
  }

  listContacts(auth: AuthContext, clientId: string): Promise<Contact[]> {
    return this.listChildren(auth, clientId, Contact);
  }

  async addContact(auth: AuthContext, clientId: string, input: CreateContactDto): Promise<Contact> {
    await this.get(auth, clientId);
    const contact = this.em.create(Contact, { ...(await this.withPhones(auth, input)), companyId: auth.companyId, clientId });
    this.audit.record(this.em, auth, 'contact.create', { type: 'contact', id: contact.id }, null, snapshot(contact));
    await this.em.flush();
    return contact;
  }

  async updateContact(auth: AuthContext, clientId: string, id: string, changes: UpdateContactDto): Promise<Contact> {
    return this.updateChild(auth, clientId, id, Contact, await this.withPhones(auth, changes));
  }

  removeContact(auth: AuthContext, clientId: string, id: string): Promise<void> {
    return this.removeChild(auth, clientId, id, Contact);
  }

  /**
   * Instructions are the client's orders to the operators, shown to the company's users only
   * (seed 001: "UNIQUEMENT Compte Utilisateur"); `where` keeps those shown there (message, call, vad).
   */
  async listInstructions(auth: AuthContext, clientId: string, where?: InstructionVisibility): Promise<Instruction[]> {
    await this.get(auth, clientId);
    if (auth.kind !== 'collaborator') {
      throw new DomainError('permission_denied', 'The instructions of a client file are for the company’s users; client accounts do not see them', {
        reason: 'collaborators_only',
      });
    }
    return this.em.find(
      Instruction,
      { companyId: auth.companyId, clientId, ...(where ? { visibility: { $contains: [where] } } : {}) },
      { orderBy: { id: 'asc' } },
    );
  }

  async addInstruction(auth: AuthContext, clientId: string, input: CreateInstructionDto): Promise<Instruction> {
    await this.get(auth, clientId);
    const instruction = this.em.create(Instruction, {
      text: input.text,
      visibility: input.visibility ?? ['message'],
      companyId: auth.companyId,
      clientId,
    });
    this.audit.record(this.em, auth, 'instruction.create', { type: 'instruction', id: instruction.id }, null, snapshot(instruction));
    await this.em.flush();
    return instruction;
  }

  updateInstruction(auth: AuthContext, clientId: string, id: string, changes: UpdateInstructionDto): Promise<Instruction> {
    return this.updateChild(auth, clientId, id, Instruction, changes);
  }

  removeInstruction(auth: AuthContext, clientId: string, id: string): Promise<void> {
    return this.removeChild(auth, clientId, id, Instruction);
  }

  private async listChildren<E extends Child>(auth: AuthContext, clientId: string, entity: E): Promise<InstanceType<E>[]> {
    await this.get(auth, clientId);
    return this.em.find(entity as typeof Contact, { companyId: auth.companyId, clientId }, { orderBy: { id: 'asc' } }) as Promise<
      InstanceType<E>[]
    >;
  }

  private async findChild<E extends Child>(auth: AuthContext, clientId: string, id: string, entity: E): Promise<InstanceType<E>> {
    await this.get(auth, clientId);
    const found = await this.em.findOne(entity as typeof Contact, { companyId: auth.companyId, clientId, id });
    if (!found) throw new NotFoundError(entity === Contact ? 'Contact' : 'Instruction');
    return found as InstanceType<E>;
  }

  private async updateChild<E extends Child>(
    auth: AuthContext,
    clientId: string,
    id: string,
    entity: E,
    changes: object,
  ): Promise<InstanceType<E>> {
    const child = await this.findChild(auth, clientId, id, entity);
    const before = snapshot(child);
    this.em.assign(child, changes);
    const type = entity === Contact ? 'contact' : 'instruction';
    this.audit.record(this.em, auth, `${type}.update`, { type, id }, before, snapshot(child));
    await this.em.flush();
    return child;
  }

  private async removeChild(auth: AuthContext, clientId: string, id: string, entity: Child): Promise<void> {
    const child = await this.findChild(auth, clientId, id, entity);
    const type = entity === Contact ? 'contact' : 'instruction';
    this.audit.record(this.em, auth, `${type}.delete`, { type, id }, snapshot(child), null);
    this.em.remove(child);
    await this.em.flush();
  }
}
