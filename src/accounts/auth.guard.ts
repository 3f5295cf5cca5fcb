import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthContext, type AuthenticatedRequest, PUBLIC_ROUTE, ROUTE_ACCESS, type RouteAccess } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { csrfMatches, sessionSecretOf } from './sign-in/session-cookie.js';
import { SessionsService } from './sign-in/sessions.service.js';
import { TokensService } from './tokens.service.js';

/** Methods that change nothing: a session may use them without the CSRF header. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Global guard: every route needs a credential unless marked `@Public()`, then the permission it
 * declares (`@RequirePermission`) or `@AnyAccount()`. A route that declares neither is refused:
 * forgetting a declaration must not open a route.
 * The credential is a bearer token (integrations) or, without an Authorization header, the
 * console's session cookie; a write made with the cookie must also carry the session's CSRF
 * token in `X-CSRF-Token` (a page of another site can make the browser send the cookie, never the header).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const auth = await this.authenticate(request);
    request.auth = auth;
    const access = this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, context.getHandler());
    if (!access) {
      this.logger.error(`${context.getClass().name}.${context.getHandler().name} declares no permission; refused`);
      throw new DomainError('permission_denied', 'This route declares no permission');
    }
    if ('permission' in access && !auth.permissions.has(access.permission)) {
      throw new DomainError('permission_denied', `This needs the permission ${access.permission}`, {
        permission: access.permission,
      });
    }
    return true;
  }

  private async authenticate(request: AuthenticatedRequest): Promise<AuthContext> {
    const header = request.header('authorization');
    if (header) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match) throw new DomainError('invalid_token', 'The Authorization header must be "Bearer <token>"');
      return this.tokens.authenticate(match[1]);
    }
    const secret = sessionSecretOf(request);
    if (!secret) throw new DomainError('missing_token', 'Send an Authorization: Bearer <token> header, or sign in (POST /v1/session)');
    const { auth } = await this.sessions.authenticate(secret);
    if (!SAFE_METHODS.has(request.method) && !csrfMatches(secret, request.header('x-csrf-token'))) {
      throw new DomainError('csrf_failed', 'A change made with the session cookie needs its X-CSRF-Token header');
    }
    return auth;
  }
}
