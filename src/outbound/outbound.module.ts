import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { Delivery, DeliveryAttempt, OptOut, ThreadTag } from './delivery.entity.js';
import { ReplyAddressing } from './reply-addressing.js';

/** Copies of messages and replies sent by email, SMS and fax: deliveries, opt-outs, templates. */
@Module({
  imports: [MikroOrmModule.forFeature([Delivery, DeliveryAttempt, ThreadTag, OptOut])],
  providers: [ReplyAddressing],
  // ReplyAddressing: inbound resolves reply addresses, Message-IDs and subject tags with it.
  exports: [MikroOrmModule, ReplyAddressing],
})
export class OutboundModule {}
