import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { MailboxHostPolicy } from './imap/host-policy.js';
import { ImapFlowMailboxClient } from './imap/imapflow-mailbox.client.js';
import { MailboxClient } from './imap/mailbox.port.js';
import { Mailbox } from './mailbox.entity.js';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesService } from './mailboxes.service.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { IMAP_ERRORS } from './imap/imap-errors.js';
import { CHANNEL_ERRORS } from './channel-errors.js';

registerErrorCodes(CHANNEL_ERRORS);
registerErrorCodes(IMAP_ERRORS);

/**
 * The companies' IMAP mailboxes (configuration, credentials sealed, connection test) and the IMAP
 * adapter (`imap/`: the MailboxClient port, its imapflow implementation, the host policy), which
 * inbound's watcher gets from here.
 */
@Module({
  imports: [MikroOrmModule.forFeature([Mailbox]), AuditModule],
  controllers: [MailboxesController],
  providers: [
    MailboxesService,
    { provide: MailboxHostPolicy, useFactory: (config: AppConfig) => MailboxHostPolicy.fromConfig(config), inject: [APP_CONFIG] },
    { provide: MailboxClient, useClass: ImapFlowMailboxClient },
  ],
  exports: [MikroOrmModule, MailboxesService, MailboxClient],
})
export class MailboxesModule {}
