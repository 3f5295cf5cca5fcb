import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { FileAlertsModule } from '../core/file-alerts/file-alerts.js';
import { Client, Contact, Instruction } from './client.entity.js';
import { ClientsController } from './clients.controller.js';
import { ClientDirectory } from './client-directory.js';
import { ClientsService } from './clients.service.js';

/** Client files (fiches), their contacts and their standing instructions. */
@Module({
  imports: [MikroOrmModule.forFeature([Client, Contact, Instruction]), AuditModule, FileAlertsModule],
  controllers: [ClientsController],
  providers: [ClientsService, ClientDirectory],
  exports: [ClientsService, ClientDirectory],
})
export class ClientsModule {}
