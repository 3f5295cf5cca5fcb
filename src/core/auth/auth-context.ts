import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

/**
 * Who is calling, as established by the bearer-token guard: the account, its company, its
 * permissions (from the rights template applied to it) and, for client-side accounts, their file.
 * The catalogue of permissions belongs to rights/ (core knows no business module): here they are
 * names; rights/permissions.ts has the typed `RequirePermission` and `hasPermission`.
 */
export interface AuthContext {
  userId: string;
  companyId: string;
  tokenId: string;
  kind: 'collaborator' | 'client' | 'secretary';
  role: 'manager' | 'supervisor' | 'operator' | null;
  /** The client file a client or secretary account is bound to; null for collaborators. */
  clientId: string | null;
  permissions: ReadonlySet<string>;
}

export type AuthenticatedRequest = Request & { auth?: AuthContext };

export const PUBLIC_ROUTE = Symbol('relais:public-route');
export const ROUTE_ACCESS = Symbol('relais:route-access');

/** What a route requires once the caller is authenticated (a permission named in rights/permissions.ts). */
export type RouteAccess = { permission: string } | { anyAccount: true };

/** The route needs no bearer token (health, metrics, docs, signed webhooks). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Any signed-in account may call the route (it acts on the caller's own data). */
export const AnyAccount = (): MethodDecorator => SetMetadata(ROUTE_ACCESS, { anyAccount: true } satisfies RouteAccess);

/** Injects the caller's AuthContext into a controller method. */
export const CurrentAuth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route without authentication');
  return auth;
});
