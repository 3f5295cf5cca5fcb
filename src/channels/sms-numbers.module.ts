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

registerErrorCodes(CHANNEL_ERRORS);

/** The companies' Twilio numbers: sending SMS copies from them, receiving replies on them. */
@Module({
  imports: [MikroOrmModule.forFeature([SmsNumber]), AuditModule],
  controllers: [SmsNumbersController],
  providers: [SmsNumbersService, { provide: SmsNumberOwnership, useClass: TwilioNumberOwnership }],
  // Outbound sends with `senderFor`, inbound checks webhook signatures with `receiverFor`.
  exports: [MikroOrmModule, SmsNumbersService],
})
export class SmsNumbersModule {}
