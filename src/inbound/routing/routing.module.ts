import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../../accounts/accounts.module.js';
import { AuditModule } from '../../audit/audit.module.js';
import { ClientsModule } from '../../clients/clients.module.js';
import { EmailSenderModule } from '../../channels/email-sender.module.js';
import { ConversationsModule } from '../../conversations/conversations.module.js';
import { registerErrorCodes } from '../../core/errors/domain-error.js';
import { StructuresModule } from '../../structures/structures.module.js';
import { InboundRouter } from './inbound-router.js';
import { RoutingActions } from './routing-actions.js';
import { ROUTING_ERRORS } from './routing-errors.js';
import { RoutingRule } from './routing-rule.entity.js';
import { RoutingRulesController } from './routing-rules.controller.js';
import { RoutingRulesService } from './routing-rules.service.js';

registerErrorCodes(ROUTING_ERRORS);

/** Routing rules (API) and the router with its actions (used by the inbound email and SMS paths, in both roles). */
@Module({
  imports: [MikroOrmModule.forFeature([RoutingRule]), ConversationsModule, ClientsModule, AccountsModule, StructuresModule, AuditModule, EmailSenderModule],
  controllers: [RoutingRulesController],
  providers: [InboundRouter, RoutingActions, RoutingRulesService],
  exports: [InboundRouter, RoutingActions],
})
export class RoutingModule {}
