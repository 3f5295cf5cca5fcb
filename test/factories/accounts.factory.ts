import { EntityManager } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ApiToken } from '../../src/accounts/api-token.entity.js';
import { type BootstrapResult, CompanySetupService } from '../../src/companies/company-setup.service.js';
import { User } from '../../src/accounts/user.entity.js';
import { hashPassword } from '../../src/accounts/sign-in/passwords.js';

/** A fresh company with its manager and the manager's token, as the bootstrap CLI makes them. */
export function aCompany(app: INestApplicationContext, name = 'Permanence Test'): Promise<BootstrapResult> {
  const unique = randomBytes(4).toString('hex');
  return app.get(CompanySetupService).bootstrap({ companyName: name, managerEmail: `manager.${unique}@example.test` });
}

/** Another user of the company, with a token of their own. */
export async function aUser(
  app: INestApplicationContext,
  companyId: string,
  fields: Partial<Pick<User, 'kind' | 'role' | 'firstName' | 'lastName' | 'email' | 'mobile' | 'active'>> = {},
): Promise<{ user: User; token: string }> {
  const em = app.get(EntityManager).fork();
  const kind = fields.kind ?? 'collaborator';
  const user = em.create(User, {
    companyId,
    kind,
    role: kind === 'collaborator' ? (fields.role ?? 'operator') : null,
    firstName: fields.firstName ?? 'Paul',
    lastName: fields.lastName ?? 'Martin',
    email: fields.email ?? `user.${randomBytes(4).toString('hex')}@example.test`,
    mobile: fields.mobile ?? null,
    active: fields.active ?? true,
  });
  const { secret } = em.getRepository(ApiToken).issue(user, 'test');
  await em.flush();
  return { user, token: secret };
}

/** Gives an account a console password, as an invitation link would. */
export async function aPassword(app: INestApplicationContext, userId: string, password = 'correct horse battery staple'): Promise<string> {
  const em = app.get(EntityManager).fork();
  await em.nativeUpdate(User, { id: userId }, { passwordHash: await hashPassword(password) });
  return password;
}
