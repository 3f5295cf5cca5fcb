import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { PasswordLinks } from '../accounts/sign-in/password-links.service.js';
import type { User } from '../accounts/user.entity.js';
import { ChannelSenders } from '../channels/channel-senders.js';
import type { AppConfig } from '../config/config.schema.js';
import { APP_CONFIG } from '../core/app-config.module.js';
import { HandlesJob } from '../core/queue/job-handler.decorator.js';
import type { JobPayload } from '../core/queue/jobs.js';
import { Company } from '../core/tenancy/company.entity.js';
import { EmailTransport } from './email/email.port.js';
import { ReplyAddressing } from './reply-addressing.js';
import { TemplateRenderer } from './templates/template-renderer.js';

/** Which templates each kind of link is written with, and how long it says the link works. */
const KINDS = { invitation: { template: 'invitation', validity: '7 jours' }, reset: { template: 'password-reset', validity: '1 heure' } } as const;

/**
 * The emails that carry a console password link (templates `email.invitation.*` and
 * `email.password-reset.*`, overridable per company like the others), from the company's email
 * sender, or else from no-reply on our own domain. The link is made as it is sent, so its token
 * is never stored or queued; running the job again sends a new link, the older one still valid
 * until used or expired.
 */
@Injectable()
export class PasswordEmails {
  constructor(
    private readonly em: EntityManager,
    private readonly links: PasswordLinks,
    private readonly renderer: TemplateRenderer,
    private readonly email: EmailTransport,
    private readonly senders: ChannelSenders,
    private readonly addressing: ReplyAddressing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @HandlesJob('outbound.password-link')
  async send(payload: JobPayload<'outbound.password-link'>): Promise<void> {
    for (const user of await this.links.recipients(payload)) await this.sendTo(user, payload.purpose);
  }

  private async sendTo(user: User, purpose: JobPayload<'outbound.password-link'>['purpose']): Promise<void> {
    const em = this.em.fork();
    const [company, senders] = await Promise.all([em.findOneOrFail(Company, { id: user.companyId }), this.senders.of(em, [user.companyId])]);
    const kind = KINDS[purpose];
    const data = {
      company: { name: company.name },
      recipient: { name: `${user.firstName} ${user.lastName}`.trim(), email: user.email },
      link: await this.links.issue(user, purpose),
      validity: kind.validity,
    };
    const render = (part: string) => this.renderer.render(user.companyId, `email.${kind.template}.${part}`, data);
    const [subject, html, text] = [await render('subject'), await render('html'), await render('text')];
    await this.email.send({
      from: senders.get(user.companyId)?.email ?? { address: `no-reply@${this.config.outbound.messageIdDomain}`, name: company.name },
      to: user.email,
      replyTo: null,
      subject,
      html,
      text,
      messageId: this.addressing.newMessageId(),
      inReplyTo: null,
      references: [],
      attachments: [],
    });
  }
}
