import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { AppConfig } from '../../config/config.schema.js';
import { APP_CONFIG } from '../../core/app-config.module.js';
import { Public } from '../../core/auth/auth-context.js';
import { SESSION_COOKIE, sessionCookieOptions, sessionSecretOf } from './session-cookie.js';
import { SessionResponse, SignInDto } from './sign-in.dto.js';
import { SignInService } from './sign-in.service.js';

/** People signing in to the console: a session in an httpOnly cookie. Integrations use API tokens instead. */
@ApiTags('sign-in')
@Controller('v1/session')
export class SessionController {
  constructor(
    private readonly signIn: SignInService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOkResponse({ type: SessionResponse, description: 'Signed in: the relais_session cookie is set' })
  @ApiUnauthorizedResponse({ description: 'invalid_credentials (unknown email or wrong password, alike) or account_inactive' })
  @ApiTooManyRequestsResponse({ description: 'too_many_attempts, with Retry-After' })
  async create(@Body() body: SignInDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SessionResponse> {
    const { secret, view } = await this.signIn.signIn(body.email, body.password, request.ip ?? 'unknown', sessionSecretOf(request));
    response.cookie(SESSION_COOKIE, secret, sessionCookieOptions(this.config.env));
    return view;
  }

  @Get()
  @Public()
  @ApiOkResponse({ type: SessionResponse })
  @ApiUnauthorizedResponse({ description: 'not_signed_in, session_expired or account_inactive' })
  current(@Req() request: Request): Promise<SessionResponse> {
    return this.signIn.current(sessionSecretOf(request));
  }

  @Delete()
  @Public()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Signed out (also when no session was open): the cookie is cleared' })
  @ApiForbiddenResponse({ description: 'csrf_failed: an open session is ended only with its X-CSRF-Token header' })
  async remove(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.signIn.signOut(sessionSecretOf(request), request.header('x-csrf-token'));
    response.clearCookie(SESSION_COOKIE, sessionCookieOptions(this.config.env));
  }
}
