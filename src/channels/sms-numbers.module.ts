import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SmsNumber } from './sms-number.entity.js';
import { SmsNumbersController } from './sms-numbers.controller.js';
import { SmsNumberOwnership } from './sms-numbers.ownership.js';
import { SmsNumbersService } from './sms-numbers.service.js';
import { TwilioNumberOwnership } from './sms-numbers.twilio-ownership.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { CHANNEL_ERRORS } from './channel-errors.js';
import { SmsGateway } from './twilio/sms.port.js';
import { TwilioSmsGateway } from './twilio/twilio-sms.gateway.js';

registerErrorCodes(CHANNEL_ERRORS);

/**
 * The companies' Twilio numbers (credentials sealed) and the Twilio adapter: the SmsGateway port
 * outbound sends through (`twilio/`), the numbers' ownership check, and the one webhook signature
 * check (`twilio-signature.ts`) both Twilio webhooks use.
 */
@Module({
  imports: [MikroOrmModule.forFeature([SmsNumber]), AuditModule],
  controllers: [SmsNumbersController],
  providers: [SmsNumbersService, { provide: SmsNumberOwnership, useClass: TwilioNumberOwnership }, { provide: SmsGateway, useClass: TwilioSmsGateway }],
  // Outbound sends with `senderFor` through the SmsGateway; the webhooks verify with `receiverFor` / `authTokenOf`.
  exports: [MikroOrmModule, SmsNumbersService, SmsGateway],
})
export class SmsNumbersModule {}
