import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ImapFlowMailboxClient } from '../inbound/imap/imapflow-mailbox.client.js';
import { MailboxClient } from '../inbound/imap/mailbox.port.js';
import { Mailbox } from './mailbox.entity.js';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesService } from './mailboxes.service.js';

/** The companies' IMAP mailboxes (configuration, connection test); the IMAP client port lives here. */
@Module({
  imports: [MikroOrmModule.forFeature([Mailbox])],
  controllers: [MailboxesController],
  providers: [MailboxesService, { provide: MailboxClient, useClass: ImapFlowMailboxClient }],
  exports: [MikroOrmModule, MailboxesService, MailboxClient],
})
export class MailboxesModule {}
