import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { SettingsController } from './settings.controller.js';
import { CompanySettings, Snippet, UserSettings } from './settings.entity.js';
import { SettingsService } from './settings.service.js';
import { MessageTemplateCatalog } from './template-catalog.js';
import { StructuresModule } from '../structures/structures.module.js';

/** Account defaults (send options, default template, message info), saved phrases, the banner. */
@Module({
  imports: [MikroOrmModule.forFeature([CompanySettings, UserSettings, Snippet]), AuditModule, StructuresModule],
  controllers: [SettingsController],
  providers: [SettingsService, MessageTemplateCatalog],
  exports: [SettingsService, MessageTemplateCatalog],
})
export class SettingsModule {}
