import type { AuthContext, Credential } from '../core/auth/auth-context.js';
import { actingKind, type User } from './user.entity.js';

/** What a request made with `credential` by `user` may do: the same whichever the credential. */
export function actingContext(user: User, credential: Credential): AuthContext {
  return {
    userId: user.id,
    companyId: user.companyId,
    credential,
    kind: actingKind(user.kind),
    role: user.role,
    clientId: user.clientId,
    permissions: new Set(user.permissions),
  };
}
