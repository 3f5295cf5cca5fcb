import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import type { EmailSenderDto, FaxGatewayDto } from './email-sender.dto.js';
import { EmailSender } from './email-sender.entity.js';
import { FaxGateway } from './fax-gateway.entity.js';

/** The company's sending identities: the From of email and fax copies, and the fax gateway. */
@Injectable()
export class EmailSenderService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
  ) {}

  async sender(auth: AuthContext): Promise<EmailSender> {
    const row = await this.em.findOne(EmailSender, { companyId: auth.companyId });
    if (!row) throw new NotFoundError('Email sender');
    return row;
  }

  async setSender(auth: AuthContext, input: EmailSenderDto): Promise<EmailSender> {
    const found = await this.em.findOne(EmailSender, { companyId: auth.companyId });
    const before = found ? snapshot(found) : null;
    const row = found ?? this.em.create(EmailSender, { companyId: auth.companyId, address: '', name: '' });
    this.em.assign(row, { address: input.address.trim().toLowerCase(), name: input.name.trim() });
    this.audit.record(this.em, auth, found ? 'email_sender.update' : 'email_sender.create', { type: 'email_sender', id: row.id }, before, snapshot(row));
    await this.em.flush();
    return row;
  }

  /** Removes it (nothing to do, and nothing recorded, when there is none). */
  async removeSender(auth: AuthContext): Promise<void> {
    await this.remove(auth, await this.em.findOne(EmailSender, { companyId: auth.companyId }), 'email_sender');
  }

  async fax(auth: AuthContext): Promise<FaxGateway> {
    const row = await this.em.findOne(FaxGateway, { companyId: auth.companyId });
    if (!row) throw new NotFoundError('Fax gateway');
    return row;
  }

  async setFax(auth: AuthContext, input: FaxGatewayDto): Promise<FaxGateway> {
    const found = await this.em.findOne(FaxGateway, { companyId: auth.companyId });
    const before = found ? snapshot(found) : null;
    const row = found ?? this.em.create(FaxGateway, { companyId: auth.companyId, addressPattern: '' });
    row.addressPattern = input.addressPattern.trim().toLowerCase();
    this.audit.record(this.em, auth, found ? 'fax_gateway.update' : 'fax_gateway.create', { type: 'fax_gateway', id: row.id }, before, snapshot(row));
    await this.em.flush();
    return row;
  }

  /** Removes it (nothing to do, and nothing recorded, when there is none). */
  async removeFax(auth: AuthContext): Promise<void> {
    await this.remove(auth, await this.em.findOne(FaxGateway, { companyId: auth.companyId }), 'fax_gateway');
  }

  private async remove(auth: AuthContext, row: EmailSender | FaxGateway | null, type: 'email_sender' | 'fax_gateway'): Promise<void> {
    if (!row) return;
    this.audit.record(this.em, auth, `${type}.delete`, { type, id: row.id }, snapshot(row), null);
    await this.em.remove(row).flush();
  }
}
