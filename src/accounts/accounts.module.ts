import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { FileAlertsModule } from '../core/file-alerts/file-alerts.js';
import { Company } from '../core/tenancy/company.entity.js';
import { AccountDirectory } from './account-directory.js';
import { AccountsService } from './accounts.service.js';
import { ApiToken } from './api-token.entity.js';
import { BearerAuthGuard } from './bearer-auth.guard.js';
import { MeController } from './me.controller.js';
import { TokenRevocations } from './token-revocations.js';
import { TokensService } from './tokens.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { ACCOUNT_ERRORS } from './account-errors.js';

registerErrorCodes(ACCOUNT_ERRORS);

/** Accounts and their API tokens; also the guard every route goes through (token, then permission). */
@Module({
  imports: [MikroOrmModule.forFeature([Company, User, ApiToken]), AuditModule, FileAlertsModule],
  controllers: [MeController, UsersController],
  providers: [AccountsService, AccountDirectory, TokensService, TokenRevocations, UsersService, { provide: APP_GUARD, useClass: BearerAuthGuard }],
  exports: [AccountDirectory, TokensService, TokenRevocations, UsersService],
})
export class AccountsModule {}
