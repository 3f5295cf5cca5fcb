import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { RightsTemplate } from './rights-template.entity.js';
import { AccountCreationController, PermissionsController, RightsTemplatesController } from './rights.controller.js';
import { RightsService } from './rights.service.js';

/** The permission catalogue and the rights templates that grant permissions to accounts. */
@Module({
  imports: [MikroOrmModule.forFeature([RightsTemplate]), AccountsModule, AuditModule],
  controllers: [PermissionsController, RightsTemplatesController, AccountCreationController],
  providers: [RightsService],
  exports: [RightsService],
})
export class RightsModule {}
