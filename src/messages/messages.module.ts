import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { StructuresModule } from '../structures/structures.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { Message, MessageRecipient, MessageTemplate } from './message.entity.js';
import { MessageDigest } from './message-digest.service.js';
import { MessageKind } from './message-kind.js';
import { MessageQueries } from './message-queries.service.js';
import { MessageTemplatesService } from './message-templates.service.js';
import { MessageVadService } from './message-vad.service.js';
import { MessageViews } from './message-views.service.js';
import { ClientMessagesController, MessagesController, MessageTemplatesController } from './messages.controller.js';
import { MessagesService } from './messages.service.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { registerDateFieldCode } from '../core/http/input-guard.js';
import { MESSAGE_ERRORS } from './message-errors.js';

registerErrorCodes(MESSAGE_ERRORS);
// A malformed dueDate had its own code before every date was checked on the way in; it keeps it.
registerDateFieldCode('body.dueDate', 'invalid_due_date');

/** Threads on client files: compose, replies, tasks, VAD, remarks, the views, live events. */
@Module({
  imports: [
    MikroOrmModule.forFeature([Message, MessageRecipient, MessageTemplate]),
    ConversationsModule,
    AccountsModule,
    ClientsModule,
    SettingsModule,
    StructuresModule,
    AuditModule,
  ],
  controllers: [ClientMessagesController, MessagesController, MessageTemplatesController],
  providers: [MessagesService, MessageQueries, MessageViews, MessageTemplatesService, MessageDigest, MessageVadService, MessageKind],
  // Nothing exported: other domains reach messages through the conversation core, where MessageKind registers.
})
export class MessagesModule {}
