import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Request } from 'express';

/**
 * What a request was authenticated with: an API token (integrations) or a person's signed-in
 * session (the console's cookie). Both resolve to the same account and permissions; the id lets a
 * long-lived request (the event stream) end when that very credential is revoked.
 */
export interface Credential {
  type: 'token' | 'session';
  id: string;
}

/**
 * Who is calling, as established by the authentication guard (a bearer token or a session cookie): the account, its company, its
 * permissions (from the rights template applied to it) and, for client-side accounts, their file.
 * The catalogue of permissions belongs to rights/ (core knows no business module): here they are
 * names; rights/permissions.ts has the typed `RequirePermission` and `hasPermission`.
 */
export interface AuthContext {
  userId: string;
  companyId: string;
  credential: Credential;
  kind: 'collaborator' | 'client' | 'secretary' | 'worker';
  role: 'manager' | 'supervisor' | 'operator' | null;
  /** The client file a client or secretary account is bound to; null for collaborators and workers. */
  clientId: string | null;
  permissions: ReadonlySet<string>;
}

export type AuthenticatedRequest = Request & { auth?: AuthContext };

export const PUBLIC_ROUTE = Symbol('relais:public-route');
export const ROUTE_ACCESS = Symbol('relais:route-access');

/** What a route requires once the caller is authenticated (a permission named in rights/permissions.ts). */
export type RouteAccess = { permission: string } | { anyAccount: true };

/** The route needs no credential (health, metrics, docs, signed webhooks, signing in). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Any signed-in account may call the route (it acts on the caller's own data). */
export const AnyAccount = (): MethodDecorator => SetMetadata(ROUTE_ACCESS, { anyAccount: true } satisfies RouteAccess);

/** Injects the caller's AuthContext into a controller method. */
export const CurrentAuth = createParamDecorator((_: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('CurrentAuth used on a route without authentication');
  return auth;
});
