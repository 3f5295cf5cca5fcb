import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module.js';
import { FileAlertsModule } from '../core/file-alerts/file-alerts.js';
import { Company } from '../core/tenancy/company.entity.js';
import { AccountDirectory } from './account-directory.js';
import { AccountsService } from './accounts.service.js';
import { ApiToken } from './api-token.entity.js';
import { AuthGuard } from './auth.guard.js';
import { MeController } from './me.controller.js';
import { CredentialRevocations } from './credential-revocations.js';
import { AttemptLimiter } from './sign-in/attempt-limiter.js';
import { PasswordLinks } from './sign-in/password-links.service.js';
import { PasswordToken } from './sign-in/password-token.entity.js';
import { PasswordsController } from './sign-in/passwords.controller.js';
import { SessionController } from './sign-in/session.controller.js';
import { SessionsService } from './sign-in/sessions.service.js';
import { SIGN_IN_ERRORS } from './sign-in/sign-in-errors.js';
import { SignInService } from './sign-in/sign-in.service.js';
import { UserSession } from './sign-in/user-session.entity.js';
import { TokensService } from './tokens.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';
import { registerErrorCodes } from '../core/errors/domain-error.js';
import { ACCOUNT_ERRORS } from './account-errors.js';

registerErrorCodes(ACCOUNT_ERRORS);
registerErrorCodes(SIGN_IN_ERRORS);

/**
 * Accounts, their API tokens and people's sign-in sessions; also the guard every route goes
 * through (token or session, then permission).
 */
@Module({
  imports: [MikroOrmModule.forFeature([Company, User, ApiToken, UserSession, PasswordToken]), AuditModule, FileAlertsModule],
  controllers: [MeController, UsersController, SessionController, PasswordsController],
  providers: [
    AccountsService,
    AccountDirectory,
    TokensService,
    SessionsService,
    AttemptLimiter,
    SignInService,
    PasswordLinks,
    CredentialRevocations,
    UsersService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccountDirectory, TokensService, SessionsService, PasswordLinks, CredentialRevocations, UsersService],
})
export class AccountsModule {}
