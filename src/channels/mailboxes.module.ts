import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { MailboxHostPolicy } from '../inbound/imap/host-policy.js';
import { ImapFlowMailboxClient } from '../inbound/imap/imapflow-mailbox.client.js';
import { MailboxClient } from '../inbound/imap/mailbox.port.js';
import { Mailbox } from './mailbox.entity.js';
import { MailboxesController } from './mailboxes.controller.js';
import { MailboxesService } from './mailboxes.service.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { IMAP_ERRORS } from '../inbound/imap/imap-errors.js';
import { CHANNEL_ERRORS } from './channel-errors.js';

registerErrorCodes(CHANNEL_ERRORS);
registerErrorCodes(IMAP_ERRORS);

/** The companies' IMAP mailboxes (configuration, connection test); the IMAP client port lives here. */
@Module({
  imports: [MikroOrmModule.forFeature([Mailbox])],
  controllers: [MailboxesController],
  providers: [
    MailboxesService,
    { provide: MailboxHostPolicy, useFactory: (config: AppConfig) => MailboxHostPolicy.fromConfig(config), inject: [APP_CONFIG] },
    { provide: MailboxClient, useClass: ImapFlowMailboxClient },
  ],
  exports: [MikroOrmModule, MailboxesService, MailboxClient],
})
export class MailboxesModule {}
