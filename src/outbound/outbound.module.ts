import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { EmailSenderModule } from '../channels/email-sender.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { ConversationsModule } from '../conversations/conversations.module.js';
import { SmsNumbersModule } from '../channels/sms-numbers.module.js';
import { DeliveriesController } from './deliveries.controller.js';
import { DeliveriesService } from './deliveries.service.js';
import { Delivery, DeliveryAttempt, OptOut } from './delivery.entity.js';
import { DeliveryClaims } from './delivery-claims.js';
import { DeliveryContent } from './delivery-content.js';
import { DeliveryQueue } from './delivery-queue.js';
import { DeliveryReconciler } from './delivery-reconciler.service.js';
import { DeliveryRelay } from './delivery-relay.service.js';
import { DeliverySender } from './delivery-sender.service.js';
import { DeliverySmsLookup } from './delivery-sms-lookup.js';
import { EmailTransport } from './email/email.port.js';
import { SmtpEmailTransport } from './email/smtp-email.transport.js';
import { OptOutsController } from './opt-outs.controller.js';
import { OptOutsService } from './opt-outs.service.js';
import { OutboundTemplate } from './outbound-template.entity.js';
import { OutboundTemplatesController } from './outbound-templates.controller.js';
import { OutboundTemplatesService } from './outbound-templates.service.js';
import { PasswordEmails } from './password-emails.js';
import { ChannelRateLimiter } from './rate-limiter.js';
import { ReplyAddressing } from './reply-addressing.js';
import { ReplyAlerts } from './reply-alerts.service.js';
import { SentCopies } from './sent-copies.js';
import { TemplateRenderer } from './templates/template-renderer.js';
import { ThreadContexts } from './thread-context.js';
import { TwilioStatusController } from './twilio-status.controller.js';
import { TwilioStatusService } from './twilio-status.service.js';

/**
 * Copies of messages and replies sent by email, SMS and fax: outbox relay and reconciler (worker),
 * send jobs with a claim before each send, deliveries, opt-outs, templates, the Twilio status webhook.
 */
@Module({
  imports: [MikroOrmModule.forFeature([Delivery, DeliveryAttempt, OptOut, OutboundTemplate]), ConversationsModule, ClientsModule, AccountsModule, EmailSenderModule, SmsNumbersModule],
  controllers: [DeliveriesController, OptOutsController, OutboundTemplatesController, TwilioStatusController],
  providers: [
    ReplyAddressing,
    ReplyAlerts,
    PasswordEmails,
    TemplateRenderer,
    DeliveryQueue,
    DeliveryRelay,
    DeliveryReconciler,
    DeliveryContent,
    DeliveryClaims,
    ThreadContexts,
    DeliverySender,
    DeliverySmsLookup,
    ChannelRateLimiter,
    DeliveriesService,
    OptOutsService,
    SentCopies,
    OutboundTemplatesService,
    TwilioStatusService,
    { provide: EmailTransport, useClass: SmtpEmailTransport },
  ],
  // Inbound resolves reply addresses, Message-IDs and subject tags, and alerts staff of replies.
  // For inbound: reply addresses, the copies sent (threading, bounces) and the one opt-out writer (STOP / START).
  exports: [ReplyAddressing, SentCopies, OptOutsService],
})
export class OutboundModule {}
