import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { SmsNumber } from './sms-number.entity.js';

/** The companies' Twilio numbers: sending SMS copies from them, receiving replies on them. */
@Module({
  imports: [MikroOrmModule.forFeature([SmsNumber])],
  exports: [MikroOrmModule],
})
export class SmsNumbersModule {}
