import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../../audit/audit.module.js';
import { ConversationsModule } from '../../conversations/conversations.module.js';
import { QuarantineController } from './quarantine.controller.js';
import { QuarantineItem } from './quarantine-item.entity.js';
import { QuarantineService } from './quarantine.service.js';

/**
 * Inbound items that could not be threaded, kept with their reason until triaged. Loaded by both
 * roles: the worker quarantines, the API triages; each channel registers its assigner in both.
 */
@Module({
  imports: [MikroOrmModule.forFeature([QuarantineItem]), ConversationsModule, AuditModule],
  controllers: [QuarantineController],
  providers: [QuarantineService],
  exports: [MikroOrmModule, QuarantineService],
})
export class QuarantineModule {}
