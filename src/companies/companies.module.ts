import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { ApiToken } from '../accounts/api-token.entity.js';
import { PasswordToken } from '../accounts/sign-in/password-token.entity.js';
import { User } from '../accounts/user.entity.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { Client, Contact, Instruction } from '../clients/client.entity.js';
import { Company } from '../core/tenancy/company.entity.js';
import { RightsTemplate } from '../rights/rights-template.entity.js';
import { CompanySettings, Snippet, UserSettings } from '../settings/settings.entity.js';
import { Structure, StructureMember, SubcontractingLink } from '../structures/structure.entity.js';
import { CompanySetupService } from './company-setup.service.js';
import { StructuresModule } from '../structures/structures.module.js';

/** Setting up a new company with everything it starts with (used by the bootstrap CLI). */
@Module({
  imports: [
    MikroOrmModule.forFeature([
      Company,
      User,
      ApiToken,
      PasswordToken,
      AuditEntry,
      Client,
      Contact,
      Instruction,
      RightsTemplate,
      CompanySettings,
      UserSettings,
      Snippet,
      Structure,
      StructureMember,
      SubcontractingLink,
    ]),
    StructuresModule,
  ],
  providers: [CompanySetupService],
  exports: [CompanySetupService],
})
export class CompaniesModule {}
