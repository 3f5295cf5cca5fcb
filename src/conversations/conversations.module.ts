import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Conversation, ConversationEntry, ConversationEvent, ConversationState, OutboxCopy, ThreadTag } from './conversation.entity.js';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ConversationKinds } from './conversation-kinds.js';
import { ConversationReplied } from './conversation-replied.js';
import { CopyStatuses } from './copy-statuses.js';
import { EventsController } from './events.controller.js';
import { Conversations } from './conversations.service.js';
import { InboundAppend } from './inbound-append.js';
import { LiveEvents } from './live-events.service.js';
import { Outbox } from './outbox.js';
import { ThreadTags } from './thread-tags.js';

/**
 * What every kind of thread shares: conversations, their entries, history, per-account state,
 * outbox rows and thread tags, the inbound append and live events. Kinds (messages/…) and the
 * channels' paths (outbound/, inbound/) import this module; it imports none of them.
 */
@Module({
  controllers: [EventsController],
  imports: [
    AccountsModule,
    MikroOrmModule.forFeature([Conversation, ConversationEntry, ConversationEvent, ConversationState, OutboxCopy, ThreadTag])],
  providers: [Conversations, ConversationKinds, CopyStatuses, ConversationReplied, InboundAppend, LiveEvents, ThreadTags, Outbox],
  exports: [MikroOrmModule, Conversations, ConversationKinds, CopyStatuses, ConversationReplied, InboundAppend, LiveEvents, ThreadTags, Outbox],
})
export class ConversationsModule {}
