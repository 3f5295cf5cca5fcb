import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { User } from '../accounts/user.entity.js';
import { AuditService, type Snapshot } from '../audit/audit.service.js';
import { snapshot } from '../audit/snapshot.js';
import type { AuthContext } from '../core/auth/auth-context.js';
import { NotFoundError } from '../core/errors/domain-error.js';
import { companyCountry } from '../core/tenancy/company-country.js';
import { Company } from '../core/tenancy/company.entity.js';
import { CopyCircle } from '../structures/copy-circle.js';
import { effectiveSettings } from './effective-settings.js';
import { MessageTemplateCatalog } from './template-catalog.js';
import type { BannerDto, CompanyDefaultsDto, CreateSnippetDto, DefaultsDto, UpdateSnippetDto } from './dto/settings.dto.js';
import type { AccountOverrides, BannerView, Defaults, SettingsView } from './dto/settings.response.js';
import { type BannerAudience, CompanySettings, Snippet, UserSettings } from './settings.entity.js';
import { hasPermission } from '../rights/permissions.js';

/** Account defaults (company, overridable per account), saved phrases and the banner. */
@Injectable()
export class SettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly audit: AuditService,
    private readonly circle: CopyCircle,
    private readonly templates: MessageTemplateCatalog,
  ) {}

  /** The caller's own settings: company defaults, their overrides, what applies to them. */
  view(auth: AuthContext): Promise<SettingsView> {
    return this.viewOf(auth.companyId, auth.userId);
  }

  /** What applies to the caller (their own setting, else the company's), for composing. */
  async effective(auth: AuthContext): Promise<Defaults> {
    const [company, user] = await Promise.all([this.company(auth), this.em.findOne(UserSettings, { userId: auth.userId })]);
    return effectiveSettings(overridesOf(user), company);
  }

  async updateCompany(auth: AuthContext, input: CompanyDefaultsDto): Promise<SettingsView> {
    const { country, ...changes } = input;
    await this.assertTemplateOf(auth.companyId, changes.defaultMessageTemplateId);
    const company = await this.company(auth);
    const before = { ...snapshot(company), country: await companyCountry(this.em, auth.companyId) };
    // At the company level there is nothing to fall back on: null keeps the current value.
    this.em.assign(company, { ...changes, defaultChannels: changes.defaultChannels ?? company.defaultChannels, replyAlerts: changes.replyAlerts ?? company.replyAlerts,
      discussionAlerts: changes.discussionAlerts ?? company.discussionAlerts });
    if (country) (await this.em.findOneOrFail(Company, { id: auth.companyId })).country = country;
    const after = { ...snapshot(company), country: country ?? before.country };
    this.audit.record(this.em, auth, 'settings.update', { type: 'company-settings', id: auth.companyId }, before, after);
    await this.em.flush();
    return this.view(auth);
  }

  /** The caller's own overrides: their preference, not an admin change, hence not audited. */
  async updateOwn(auth: AuthContext, changes: DefaultsDto): Promise<SettingsView> {
    await this.assertTemplateOf(auth.companyId, changes.defaultMessageTemplateId);
    const own = await this.overridesOf(auth.userId);
    this.em.assign(own, changes);
    await this.em.flush();
    return this.view(auth);
  }

  /** Another account's settings, as an administrator sees them. */
  async viewAccount(auth: AuthContext, userId: string): Promise<SettingsView> {
    await this.assertAccountOf(auth.companyId, userId);
    return this.viewOf(auth.companyId, userId);
  }

  /** An administrator sets another account's overrides (audited, unlike one's own). */
  async updateAccount(auth: AuthContext, userId: string, changes: DefaultsDto): Promise<SettingsView> {
    await this.assertAccountOf(auth.companyId, userId);
    await this.assertTemplateOf(auth.companyId, changes.defaultMessageTemplateId);
    const overrides = await this.overridesOf(userId);
    const before = overridesSnapshot(overrides);
    this.em.assign(overrides, changes);
    this.audit.record(this.em, auth, 'user-settings.update', { type: 'user-settings', id: userId }, before, overridesSnapshot(overrides));
    await this.em.flush();
    return this.viewOf(auth.companyId, userId);
  }

  /** The banner, to the audience it is meant for (collaborators or client-side accounts). */
  async banner(auth: AuthContext): Promise<BannerView> {
    const company = await this.company(auth);
    const audience: BannerAudience = auth.kind === 'collaborator' ? 'collaborators' : 'clients';
    const canManage = hasPermission(auth, 'settings.manage');
    if (!company.bannerText || (company.bannerAudience !== audience && !canManage)) return { text: null, audience: null };
    return { text: company.bannerText, audience: company.bannerAudience };
  }

  async setBanner(auth: AuthContext, input: BannerDto): Promise<BannerView> {
    const company = await this.company(auth);
    const before = { text: company.bannerText, audience: company.bannerAudience };
    company.bannerText = input.text;
    company.bannerAudience = input.text === null ? null : (input.audience ?? 'collaborators');
    const after = { text: company.bannerText, audience: company.bannerAudience };
    this.audit.record(this.em, auth, 'banner.update', { type: 'company-settings', id: auth.companyId }, before, after);
    await this.em.flush();
    return after;
  }

  snippets(auth: AuthContext): Promise<Snippet[]> {
    return this.em.find(Snippet, { companyId: auth.companyId }, { orderBy: { title: 'asc' } });
  }

  async createSnippet(auth: AuthContext, input: CreateSnippetDto): Promise<Snippet> {
    const snippet = this.em.create(Snippet, { ...input, companyId: auth.companyId });
    this.audit.record(this.em, auth, 'snippet.create', { type: 'snippet', id: snippet.id }, null, snapshot(snippet));
    await this.em.flush();
    return snippet;
  }

  async updateSnippet(auth: AuthContext, id: string, changes: UpdateSnippetDto): Promise<Snippet> {
    const snippet = await this.snippet(auth, id);
    const before = snapshot(snippet);
    this.em.assign(snippet, changes);
    this.audit.record(this.em, auth, 'snippet.update', { type: 'snippet', id }, before, snapshot(snippet));
    await this.em.flush();
    return snippet;
  }

  async removeSnippet(auth: AuthContext, id: string): Promise<void> {
    const snippet = await this.snippet(auth, id);
    this.audit.record(this.em, auth, 'snippet.delete', { type: 'snippet', id }, snapshot(snippet), null);
    this.em.remove(snippet);
    await this.em.flush();
  }

  private async snippet(auth: AuthContext, id: string): Promise<Snippet> {
    const snippet = await this.em.findOne(Snippet, { companyId: auth.companyId, id });
    if (!snippet) throw new NotFoundError('Snippet');
    return snippet;
  }

  private async company(auth: Pick<AuthContext, 'companyId'>): Promise<CompanySettings> {
    return (
      (await this.em.findOne(CompanySettings, { companyId: auth.companyId })) ??
      this.em.create(CompanySettings, { companyId: auth.companyId })
    );
  }

  private async overridesOf(userId: string): Promise<UserSettings> {
    return (await this.em.findOne(UserSettings, { userId })) ?? this.em.create(UserSettings, { userId });
  }

  private async viewOf(companyId: string, userId: string): Promise<SettingsView> {
    const [company, user, country, circleId] = await Promise.all([
      this.company({ companyId }),
      this.em.findOne(UserSettings, { userId }),
      companyCountry(this.em, companyId),
      this.circle.idOf(companyId),
    ]);
    const own = overridesOf(user);
    return {
      company: {
        defaultChannels: company.defaultChannels,
        defaultMessageTemplateId: company.defaultMessageTemplateId,
        messageInfo: company.messageInfo,
        replyAlerts: company.replyAlerts,
        discussionAlerts: company.discussionAlerts,
        copyCircleStructureId: circleId,
        country,
      },
      user: own,
      effective: effectiveSettings(own, company),
    };
  }

  private async assertAccountOf(companyId: string, userId: string): Promise<void> {
    if (!(await this.em.count(User, { companyId, id: userId }))) throw new NotFoundError('User');
  }

  /** A default message template must be one of the company's own (the messages module answers: see MessageTemplateCatalog). */
  private async assertTemplateOf(companyId: string, templateId: string | null | undefined): Promise<void> {
    if (!templateId) return;
    if (!(await this.templates.isCompanys(companyId, templateId))) throw new NotFoundError('Message template', { field: 'defaultMessageTemplateId' });
  }
}

function overridesSnapshot(overrides: UserSettings): Snapshot {
  const { defaultChannels, defaultMessageTemplateId, messageInfo, replyAlerts, discussionAlerts } = overrides;
  return { defaultChannels, defaultMessageTemplateId, messageInfo, replyAlerts, discussionAlerts };
}

/** An account's overrides; null where it has none (or no settings row at all). */
function overridesOf(user: UserSettings | null): AccountOverrides {
  return {
    defaultChannels: user?.defaultChannels ?? null,
    defaultMessageTemplateId: user?.defaultMessageTemplateId ?? null,
    messageInfo: user?.messageInfo ?? null,
    replyAlerts: user?.replyAlerts ?? null,
    discussionAlerts: user?.discussionAlerts ?? null,
  };
}
