import { AccountsModule } from '../accounts/accounts.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { type DynamicModule, Module } from '@nestjs/common';
import { MailboxesModule } from '../channels/mailboxes.module.js';
import { OutboundModule } from '../outbound/outbound.module.js';
import { AttachmentDownloads } from './email/attachment-downloads.js';
import { AttachmentStorage, LocalAttachmentStorage } from './email/attachment-storage.js';
import { AttachmentsController } from './email/attachments.controller.js';
import { InboundEmail } from './email/inbound-email.entity.js';
import { InboundEmailProcessor } from './email/inbound-email.processor.js';
import { InboundEmailStore } from './email/inbound-email.store.js';
import { MailboxLock } from './email/mailbox-lock.js';
import { MailboxWatcher } from './email/mailbox-watcher.service.js';
import { ThreadMatcher } from './email/thread-matcher.service.js';
import { MailEntries } from './email/mail-entries.js';
import { MailRouting } from './email/mail-routing.js';
import { QuarantineModule } from './quarantine/quarantine.module.js';
import { RoutingModule } from './routing/routing.module.js';
import { InboundRetention } from './retention/inbound-retention.js';

/**
 * Email replies. Both roles process (the worker runs the jobs; the API replays quarantined mail
 * an operator assigns); only the worker watches mailboxes.
 */
@Module({})
export class InboundModule {
  static forRoot(role: 'api' | 'worker'): DynamicModule {
    const watching = role === 'worker' ? [MailboxWatcher, MailboxLock] : [];
    return {
      module: InboundModule,
      controllers: role === 'api' ? [AttachmentsController] : [],
      imports: [MikroOrmModule.forFeature([InboundEmail]), ConversationsModule, MailboxesModule, OutboundModule, QuarantineModule, ClientsModule, AccountsModule, RoutingModule],
      providers: [
        InboundEmailStore,
        InboundEmailProcessor,
        ThreadMatcher,
        MailEntries,
        MailRouting,
        InboundRetention,
        AttachmentDownloads,
        { provide: AttachmentStorage, useClass: LocalAttachmentStorage },
        ...watching,
      ],
      exports: [InboundEmailStore, InboundRetention],
    };
  }
}
