import { Injectable } from '@nestjs/common';

/** Whether `templateId` names one of the company's message templates. */
export type TemplateCheck = (companyId: string, templateId: string) => Promise<boolean>;

/**
 * Who answers for message templates when a setting names one as the default. Messages own the
 * templates and depend on settings (defaults at compose), so settings cannot ask them directly:
 * messages register their check here when their module starts, as kinds register with the core.
 */
@Injectable()
export class MessageTemplateCatalog {
  private check: TemplateCheck | undefined;

  register(check: TemplateCheck): void {
    if (this.check) throw new Error('A message template catalogue is registered already');
    this.check = check;
  }

  isCompanys(companyId: string, templateId: string): Promise<boolean> {
    if (!this.check) throw new Error('No message template catalogue is registered (is MessagesModule loaded?)');
    return this.check(companyId, templateId);
  }
}
