import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { issuePasswordToken, passwordLink } from '../accounts/sign-in/password-tokens.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { Clock } from '../core/clock.js';
import { ApiToken } from '../accounts/api-token.entity.js';
import { User } from '../accounts/user.entity.js';
import { AuditEntry } from '../audit/audit-entry.entity.js';
import { DomainError } from '../core/errors/domain-error.js';
import { DEFAULT_COUNTRY, isPhoneCountry } from '../core/phone/phone-number.js';
import { Company } from '../core/tenancy/company.entity.js';
import { DEFAULT_TEMPLATES } from '../rights/default-templates.js';
import { RightsTemplate } from '../rights/rights-template.entity.js';
import { CompanySettings } from '../settings/settings.entity.js';
import { CopyCircle } from '../structures/copy-circle.js';

export interface BootstrapInput {
  companyName: string;
  managerEmail: string;
  firstName?: string;
  lastName?: string;
  /** ISO 3166 code of the country national phone numbers are read in; FR when absent. */
  country?: string;
  /** Create the company even though the email already manages another one (a run twice by mistake is refused). */
  force?: boolean;
}

export interface BootstrapResult {
  companyId: string;
  userId: string;
  token: string;
  /** Where the manager chooses a console password (valid 7 days, used once); the same link an invitation email carries. */
  invitationUrl: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** "marie.dupont@…" → Marie / Dupont: a readable default until the manager edits their profile. */
function namesFromEmail(email: string): { firstName: string; lastName: string } {
  const words = email
    .split('@')[0]
    .split(/[._-]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1));
  return { firstName: words[0] ?? 'Manager', lastName: words.slice(1).join(' ') };
}

/**
 * Creates a company ready to use, in one transaction: its five rights templates, its
 * client-messages copy circle, its settings, its first manager (Manager template), a token and
 * the link where the manager chooses a console password.
 */
@Injectable()
export class CompanySetupService {
  constructor(
    private readonly em: EntityManager,
    private readonly circle: CopyCircle,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async bootstrap(input: BootstrapInput): Promise<BootstrapResult> {
    const companyName = input.companyName.trim();
    const email = input.managerEmail.trim().toLowerCase();
    if (companyName.length === 0 || companyName.length > 200) {
      throw new DomainError('validation_failed', 'The company name must have 1 to 200 characters');
    }
    if (!EMAIL.test(email)) throw new DomainError('validation_failed', `"${input.managerEmail}" is not an email address`);
    const country = input.country?.trim().toUpperCase() ?? DEFAULT_COUNTRY;
    if (!isPhoneCountry(country)) {
      throw new DomainError('validation_failed', `--country must be an ISO 3166 code such as FR or BE, not "${input.country}"`, { field: 'country' });
    }
    const derived = namesFromEmail(email);
    return this.em.fork().transactional(async (em) => {
      if (!input.force) await this.refuseExistingManager(em, email);
      const company = em.create(Company, { name: companyName, country });
      const templates = DEFAULT_TEMPLATES.map((definition) => em.create(RightsTemplate, { ...definition, companyId: company.id }));
      const managerTemplate = templates.find((template) => template.name === 'Manager')!;
      this.circle.create(em, company.id);
      em.create(CompanySettings, { companyId: company.id });
      const manager = em.create(User, {
        companyId: company.id,
        kind: 'collaborator',
        role: 'manager',
        firstName: input.firstName?.trim() || derived.firstName,
        lastName: input.lastName?.trim() ?? derived.lastName,
        email,
        permissions: [...managerTemplate.permissions],
        rightsTemplateId: managerTemplate.id,
        rightsAppliedAt: new Date(),
      });
      const { secret } = em.getRepository(ApiToken).issue(manager, 'bootstrap');
      const invitation = issuePasswordToken(em, manager, 'invitation', this.clock.now());
      em.create(AuditEntry, {
        companyId: company.id,
        actorId: null,
        action: 'company.bootstrap',
        targetType: 'company',
        targetId: company.id,
        after: { name: companyName, country, managerId: manager.id, managerEmail: email },
      });
      await em.flush();
      return { companyId: company.id, userId: manager.id, token: secret, invitationUrl: passwordLink(this.config.publicBaseUrl, invitation.token) };
    });
  }

  /** Running bootstrap twice would silently make a second company with the same manager. */
  private async refuseExistingManager(em: EntityManager, email: string): Promise<void> {
    const existing = await em.findOne(User, { email, role: 'manager' }, { orderBy: { createdAt: 'asc' } });
    if (!existing) return;
    const company = await em.findOneOrFail(Company, { id: existing.companyId });
    throw new DomainError(
      'user_email_taken',
      `${email} is already the manager of "${company.name}" (company ${company.id}); pass --force to create another company for them`,
      { companyId: company.id, userId: existing.id },
    );
  }
}
