import type { EntityManager } from '@mikro-orm/postgresql';
import { generateSecret, hashSecret } from '../token-secret.js';
import { User } from '../user.entity.js';
import { PasswordToken, type PasswordTokenPurpose } from './password-token.entity.js';

/** How long each kind of link works. */
export const PASSWORD_LINK_VALIDITY_MS: Record<PasswordTokenPurpose, number> = { invitation: 7 * 24 * 3_600_000, reset: 3_600_000 };

export function hashPasswordToken(token: string): string {
  return hashSecret('password-link:', token);
}

/** The console page that sets a password from a link's token. */
export function passwordLink(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/console/password?token=${token}`;
}

/**
 * A new link for `user` in `em` (the caller flushes): a secret of token-secret.ts, only its hash
 * kept. The token itself is returned once, to be put in an email (or printed by bootstrap), never stored.
 */
export function issuePasswordToken(em: EntityManager, user: Pick<User, 'id' | 'companyId'>, purpose: PasswordTokenPurpose, now: Date): { token: string } {
  const token = generateSecret();
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_VALIDITY_MS[purpose]);
  em.create(PasswordToken, { companyId: user.companyId, user: em.getReference(User, user.id), purpose, hash: hashPasswordToken(token), expiresAt });
  return { token };
}
