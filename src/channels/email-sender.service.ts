import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import type { EmailSenderDto, FaxGatewayDto } from './email-sender.dto.js';
import { EmailSender } from './email-sender.entity.js';
import { FaxGateway } from './fax-gateway.entity.js';

/** The company's sending identities: the From of email and fax copies, and the fax gateway. */
@Injectable()
export class EmailSenderService {
  constructor(private readonly em: EntityManager) {}

  async sender(auth: AuthContext): Promise<EmailSender> {
    const row = await this.em.findOne(EmailSender, { companyId: auth.companyId });
    if (!row) throw new NotFoundError('Email sender');
    return row;
  }

  async setSender(auth: AuthContext, input: EmailSenderDto): Promise<EmailSender> {
    const row = (await this.em.findOne(EmailSender, { companyId: auth.companyId })) ?? this.em.create(EmailSender, { companyId: auth.companyId, address: '', name: '' });
    this.em.assign(row, { address: input.address.trim().toLowerCase(), name: input.name.trim() });
    await this.em.flush();
    return row;
  }

  async removeSender(auth: AuthContext): Promise<void> {
    await this.em.nativeDelete(EmailSender, { companyId: auth.companyId });
  }

  async fax(auth: AuthContext): Promise<FaxGateway> {
    const row = await this.em.findOne(FaxGateway, { companyId: auth.companyId });
    if (!row) throw new NotFoundError('Fax gateway');
    return row;
  }

  async setFax(auth: AuthContext, input: FaxGatewayDto): Promise<FaxGateway> {
    const row = (await this.em.findOne(FaxGateway, { companyId: auth.companyId })) ?? this.em.create(FaxGateway, { companyId: auth.companyId, addressPattern: '' });
    row.addressPattern = input.addressPattern.trim().toLowerCase();
    await this.em.flush();
    return row;
  }

  async removeFax(auth: AuthContext): Promise<void> {
    await this.em.nativeDelete(FaxGateway, { companyId: auth.companyId });
  }
}
