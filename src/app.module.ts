import { type DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { NotesModule } from './notes/notes.module.js';
import { CompaniesModule } from './companies/companies.module.js';
import type { AppConfig } from './config/config.schema.js';
import { AppConfigModule } from './core/app-config.module.js';
import { DatabaseModule } from './core/database/database.module.js';
import { HealthModule } from './core/health/health.module.js';
import { MetricsModule } from './core/metrics/metrics.module.js';
import { QueueModule } from './core/queue/queue.module.js';
import { RedisModule } from './core/redis/redis.module.js';
import { InboundModule } from './inbound/inbound.module.js';
import { MailboxesModule } from './channels/mailboxes.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { ExchangesModule } from './exchanges/exchanges.module.js';
import { DiscussionsModule } from './discussions/discussions.module.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { SmsNumbersModule } from './channels/sms-numbers.module.js';
import { EmailSenderModule } from './channels/email-sender.module.js';
import { QuarantineModule } from './inbound/quarantine/quarantine.module.js';
import { InboundSmsModule } from './inbound/sms/inbound-sms.module.js';
import { RightsModule } from './rights/rights.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { StructuresModule } from './structures/structures.module.js';
import { DiscoveryModule } from '@nestjs/core';

/**
 * One codebase, two roles: the `api` process serves HTTP (and webhooks); the `worker` process
 * consumes queues, relays the outbox and watches mailboxes. Both share the domain modules.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, role: 'api' | 'worker'): DynamicModule {
    const shared = [
      AppConfigModule.forRoot(config),
      DatabaseModule.forRoot(config),
      RedisModule,
      QueueModule.forRoot(config, role),
      DiscoveryModule,
      AuditModule,
      ClientsModule,
      NotesModule,
      AccountsModule,
      RightsModule,
      StructuresModule,
      SettingsModule,
      CompaniesModule,
      MessagesModule,
      ExchangesModule,
      DiscussionsModule,
      OutboundModule,
      SmsNumbersModule,
      EmailSenderModule,
      QuarantineModule,
      InboundSmsModule,
      MailboxesModule,
      InboundModule.forRoot(role),
    ];
    const byRole = role === 'api' ? [HealthModule, MetricsModule] : [];
    return { module: AppModule, imports: [...shared, ...byRole] };
  }
}
