import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { type AuthContext, CurrentAuth, Public } from '../../core/auth/auth-context.js';
import { IdParam } from '../../core/http/params.js';
import { RequirePermission } from '../../rights/permissions.js';
import { PasswordResetDto, SetPasswordDto } from './password.dto.js';
import { PasswordLinks } from './password-links.service.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.js';

/** Setting a console password through a link sent by email: an invitation, or a reset. */
@ApiTags('sign-in')
@Controller('v1')
export class PasswordsController {
  constructor(private readonly links: PasswordLinks) {}

  @Post('users/:id/invitation')
  @HttpCode(202)
  @ApiBearerAuth()
  @RequirePermission('accounts.manage')
  @ApiAcceptedResponse({ description: 'The invitation email (a link valid 7 days, used once) is on its way' })
  @ApiConflictResponse({ description: 'conflict: the account is deactivated' })
  invite(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.links.invite(auth, id);
  }

  @Post('password-resets')
  @Public()
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Always: a reset link (valid 1 hour, used once) is emailed if the address has an account, and the answer never says' })
  @ApiTooManyRequestsResponse({ description: 'too_many_attempts, with Retry-After' })
  requestReset(@Body() body: PasswordResetDto, @Req() request: Request): Promise<void> {
    return this.links.requestReset(body.email, request.ip ?? 'unknown');
  }

  @Post('password')
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The password is set; the link is used up and the account’s sessions are ended' })
  @ApiBadRequestResponse({ description: `invalid_password_token (used, expired or unknown link) or weak_password (${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters)` })
  setPassword(@Body() body: SetPasswordDto): Promise<void> {
    return this.links.setPassword(body.token, body.password);
  }
}
