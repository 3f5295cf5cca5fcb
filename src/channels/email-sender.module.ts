import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { EmailSenderController } from './email-sender.controller.js';
import { EmailSender } from './email-sender.entity.js';
import { ChannelSenders } from './channel-senders.js';
import { EmailSenderService } from './email-sender.service.js';
import { FaxController } from './fax.controller.js';
import { FaxGateway } from './fax-gateway.entity.js';

/** The company's sending identities for email and fax copies: From address and fax gateway. */
@Module({
  imports: [MikroOrmModule.forFeature([EmailSender, FaxGateway]), AuditModule],
  controllers: [EmailSenderController, FaxController],
  providers: [EmailSenderService, ChannelSenders],
  exports: [MikroOrmModule, ChannelSenders],
})
export class EmailSenderModule {}
