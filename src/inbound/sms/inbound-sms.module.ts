import { AccountsModule } from '../../accounts/accounts.module.js';
import { ClientsModule } from '../../clients/clients.module.js';
import { MikroOrmModule } from '@mikro-orm/nestjs';
import { ConversationsModule } from '../../conversations/conversations.module.js';
import { Module } from '@nestjs/common';
import { SmsNumbersModule } from '../../channels/sms-numbers.module.js';
import { OutboundModule } from '../../outbound/outbound.module.js';
import { QuarantineModule } from '../quarantine/quarantine.module.js';
import { RoutingModule } from '../routing/routing.module.js';
import { InboundSms } from './inbound-sms.entity.js';
import { InboundSmsProcessor } from './inbound-sms.processor.js';
import { InboundSmsReceiver } from './inbound-sms.receiver.js';
import { InboundSmsSweeper } from './inbound-sms.sweeper.js';
import { InboundSmsWriter } from './inbound-sms.writer.js';
import { SmsThreads } from './sms-threads.service.js';
import { SmsRouting } from './sms-routing.js';
import { TwilioSmsController } from './twilio-sms.controller.js';

/**
 * SMS replies: the signed Twilio webhook stores and acknowledges them (API), a job threads them
 * (worker). Loaded by both roles: the quarantine's assign runs in the API and needs the processor.
 */
@Module({
  imports: [MikroOrmModule.forFeature([InboundSms]), ConversationsModule, SmsNumbersModule, OutboundModule, QuarantineModule, ClientsModule, AccountsModule, RoutingModule],
  controllers: [TwilioSmsController],
  providers: [InboundSmsReceiver, InboundSmsWriter, InboundSmsProcessor, InboundSmsSweeper, SmsThreads, SmsRouting],
})
export class InboundSmsModule {}
