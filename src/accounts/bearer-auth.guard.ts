import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthenticatedRequest, PUBLIC_ROUTE, ROUTE_ACCESS, type RouteAccess } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import { TokensService } from './tokens.service.js';

/**
 * Global guard: every route needs a valid bearer token unless marked `@Public()`, then the
 * permission it declares (`@RequirePermission`) or `@AnyAccount()`. A route that declares neither
 * is refused: forgetting a declaration must not open a route.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  private readonly logger = new Logger('auth');

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.header('authorization');
    if (!header) throw new DomainError('missing_token', 'Send an Authorization: Bearer <token> header');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new DomainError('invalid_token', 'The Authorization header must be "Bearer <token>"');
    const auth = await this.tokens.authenticate(match[1]);
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
}
