import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { EXCHANGE_ERRORS } from './exchange-errors.js';
import { ExchangeKind } from './exchange-kind.js';
import { ExchangeTypes } from './exchange-types.js';
import { ExchangesService } from './exchanges.service.js';
import { InterventionSummary } from './intervention-summary.js';
import { Exchange, ExchangeTypeRow, Intervention } from './intervention.entity.js';
import { ExchangeTypesController, InterventionsController } from './interventions.controller.js';
import { InterventionsService } from './interventions.service.js';

registerErrorCodes(EXCHANGE_ERRORS);

/** Intervention requests and their exchanges: a conversation kind (`exchange`) with its own tables and rules. */
@Module({
  imports: [MikroOrmModule.forFeature([Intervention, Exchange, ExchangeTypeRow]), ConversationsModule, AccountsModule, ClientsModule],
  controllers: [InterventionsController, ExchangeTypesController],
  providers: [InterventionsService, ExchangesService, ExchangeTypes, InterventionSummary, ExchangeKind],
  // Nothing exported: other domains reach interventions through the conversation core, where ExchangeKind registers.
})
export class ExchangesModule {}
