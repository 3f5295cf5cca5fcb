import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../core/auth/auth-context.js';
import { DomainError } from '../core/errors/domain-error.js';
import type { PreviewDto, PreviewView, TemplateView } from './dto/outbound.dto.js';
import { OutboundTemplate } from './outbound-template.entity.js';
import { smsSegments } from './sms/sms-segments.js';
import { TemplateRenderer } from './templates/template-renderer.js';

/** What previews render with when no data is given: one of each variable the shipped templates use. */
export const SAMPLE_DATA = {
  company: { name: 'Permanence du Centre' },
  client: { name: 'Cabinet Médical Durand' },
  recipient: { name: 'Dr Durand', email: 'dr.durand@example.fr' },
  author: { name: 'Olivier Opé' },
  conversation: { subject: 'Appel de Mme Petit', body: 'Mme Petit a appelé : merci de la rappeler avant 18 h.' },
  message: { subject: 'Appel de Mme Petit', body: 'Mme Petit a appelé : merci de la rappeler avant 18 h.', urgent: false, dueDate: '4/12/2026' },
  vad: { plannedAt: '4/12/2026 à 14:30', street: '12 rue des Lilas', city: '69003 Lyon' },
  // An intervention's exchange (email.exchange.*, sms.exchange) and a portal discussion (email.discussion.*).
  intervention: { title: 'Fuite sous l’évier, 12 rue des Lilas' },
  exchange: { sentBy: 'Olivier Opé, Permanence du Centre' },
  discussion: { title: 'Clés du logement de Mme Petit' },
  reply: null,
  sender: 'Dr Durand',
  tag: 'R-7K2QX',
  sentAt: '24/11/2026 10:30',
  link: 'https://relais.example/v1/messages/0190c0de-0000-7000-8000-000000000000',
  // A console password link (email.invitation.*, email.password-reset.*).
  validity: '7 jours',
};

/** Per-company overrides of the shipped templates, checked before they are saved, and previews. */
@Injectable()
export class OutboundTemplatesService {
  constructor(
    private readonly em: EntityManager,
    private readonly renderer: TemplateRenderer,
  ) {}

  async list(auth: AuthContext): Promise<TemplateView[]> {
    const overrides = new Map((await this.em.find(OutboundTemplate, { companyId: auth.companyId })).map((o) => [o.name, o.source]));
    return this.renderer.names().map((name) => this.view(name, overrides.get(name)));
  }

  async get(auth: AuthContext, name: string): Promise<TemplateView> {
    const override = await this.em.findOne(OutboundTemplate, { companyId: auth.companyId, name });
    return this.view(name, override?.source);
  }

  /** Saves an override; a source that does not compile is a 422 naming line and column. */
  async save(auth: AuthContext, name: string, source: string): Promise<TemplateView> {
    this.renderer.defaultSource(name);
    const problem = this.renderer.check(name, source);
    if (problem) throw new DomainError('unprocessable', `Template syntax error: ${problem.message}`, problem);
    const row = (await this.em.findOne(OutboundTemplate, { companyId: auth.companyId, name })) ?? this.em.create(OutboundTemplate, { companyId: auth.companyId, name, source });
    row.source = source;
    await this.em.flush();
    this.renderer.invalidate(auth.companyId);
    return this.view(name, source);
  }

  /** Back to the shipped file. */
  async reset(auth: AuthContext, name: string): Promise<void> {
    this.renderer.defaultSource(name);
    await this.em.nativeDelete(OutboundTemplate, { companyId: auth.companyId, name });
    this.renderer.invalidate(auth.companyId);
  }

  async preview(auth: AuthContext, name: string, input: PreviewDto): Promise<PreviewView> {
    const source = input.source ?? (await this.get(auth, name)).source;
    const { output, missing } = this.renderer.preview(name, source, input.data ?? SAMPLE_DATA);
    if (!name.startsWith('sms.')) return { output, missing };
    const { encoding, segments } = smsSegments(output);
    return { output, missing, encoding, segments };
  }

  private view(name: string, override: string | undefined): TemplateView {
    const defaultSource = this.renderer.defaultSource(name);
    return { name, overridden: override !== undefined, source: override ?? defaultSource, defaultSource };
  }
}
