import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { DiscussionAlerts } from './discussion-alerts.js';
import { DISCUSSION_ERRORS } from './discussion-errors.js';
import { DiscussionKind } from './discussion-kind.js';
import { Discussion } from './discussion.entity.js';
import { DiscussionsController } from './discussions.controller.js';
import { DiscussionsService } from './discussions.service.js';

registerErrorCodes(DISCUSSION_ERRORS);

/** Portal discussions (SPEC §5): a conversation kind (`discussion`) with its own table, rules and alerts. */
@Module({
  imports: [MikroOrmModule.forFeature([Discussion]), ConversationsModule],
  controllers: [DiscussionsController],
  providers: [DiscussionsService, DiscussionKind, DiscussionAlerts],
  // Nothing exported: other domains reach discussions through the conversation core, where DiscussionKind registers.
})
export class DiscussionsModule {}
