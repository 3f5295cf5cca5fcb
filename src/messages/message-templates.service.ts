import { MessageTemplateCatalog } from '../settings/template-catalog.js';
import { EntityManager, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError, NotFoundError } from '../core/errors/domain-error.js';
import type { CreateMessageTemplateDto, UpdateMessageTemplateDto } from './dto/message.dto.js';
import { MessageTemplate } from './message.entity.js';

/** Message templates (modèles): a subject, a body, an instruction, and whether it is a home visit. */
@Injectable()
export class MessageTemplatesService implements OnModuleInit {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly catalog: MessageTemplateCatalog,
  ) {}

  /** Settings ask here whether a default template they are given is the company's own. */
  onModuleInit(): void {
    this.catalog.register(async (companyId, templateId) => (await this.em.fork().count(MessageTemplate, { companyId, id: templateId })) > 0);
  }

  list(auth: AuthContext): Promise<MessageTemplate[]> {
    return this.em.find(MessageTemplate, { companyId: auth.companyId }, { orderBy: { name: 'asc' } });
  }

  async get(auth: AuthContext, id: string): Promise<MessageTemplate> {
    const template = await this.em.findOne(MessageTemplate, { companyId: auth.companyId, id });
    if (!template) throw new NotFoundError('Message template');
    return template;
  }

  async create(auth: AuthContext, input: CreateMessageTemplateDto): Promise<MessageTemplate> {
    return this.oneDefault(() => this.em.transactional(async (em) => {
      if (input.default) await this.unsetDefault(em, auth, null);
      const template = em.create(MessageTemplate, { ...input, companyId: auth.companyId });
      this.audit.record(em, auth, 'message-template.create', { type: 'message-template', id: template.id }, null, snapshot(template));
      return template;
    }));
  }

  async update(auth: AuthContext, id: string, changes: UpdateMessageTemplateDto): Promise<MessageTemplate> {
    const template = await this.get(auth, id);
    const before = snapshot(template);
    return this.oneDefault(() => this.em.transactional(async (em) => {
      if (changes.default) await this.unsetDefault(em, auth, id);
      em.assign(template, changes);
      em.persist(template);
      this.audit.record(em, auth, 'message-template.update', { type: 'message-template', id }, before, snapshot(template));
      return template;
    }));
  }

  async remove(auth: AuthContext, id: string): Promise<void> {
    const template = await this.get(auth, id);
    this.audit.record(this.em, auth, 'message-template.delete', { type: 'message-template', id }, snapshot(template), null);
    this.em.remove(template);
    await this.em.flush();
  }

  /**
   * One default per company: choosing one unsets the previous one in the same transaction (the
   * unique partial index makes a concurrent second choice fail rather than leave two defaults).
   */
  private async oneDefault(write: () => Promise<MessageTemplate>): Promise<MessageTemplate> {
    try {
      return await write();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw new DomainError('conflict', 'Another default template was chosen at the same time; try again');
      throw error;
    }
  }

  private async unsetDefault(em: EntityManager, auth: AuthContext, except: string | null): Promise<void> {
    await em.nativeUpdate(MessageTemplate, { companyId: auth.companyId, default: true, ...(except ? { id: { $ne: except } } : {}) }, { default: false });
  }
}
