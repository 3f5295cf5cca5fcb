import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Delivery, DeliveryAttempt, OptOut, ThreadTag } from './delivery.entity.js';

/** Copies of messages and replies sent by email, SMS and fax: deliveries, opt-outs, templates. */
@Module({
  imports: [MikroOrmModule.forFeature([Delivery, DeliveryAttempt, ThreadTag, OptOut])],
  exports: [MikroOrmModule],
})
export class OutboundModule {}
