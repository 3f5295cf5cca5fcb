import { Body, Controller, Delete, Get, HttpCode, Param, type PipeTransform, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { DomainError } from '../core/errors/domain-error.js';
import { PreviewDto, PreviewView, TemplateSourceDto, TemplateView } from './dto/outbound.dto.js';
import { OutboundTemplatesService } from './outbound-templates.service.js';

/** A template name is its path in templates/ with dots (`email.copy.html`); anything else is a malformed identifier. */
class TemplateNamePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[a-z]+(\.[a-z0-9-]+)+$/.test(value)) throw new DomainError('invalid_id', 'The name in the path is not a template name such as email.copy.html');
    return value;
  }
}
const NameParam = (): ParameterDecorator => Param('name', new TemplateNamePipe());

/** Templates are named after their file in templates/: `email/copy.html.hbs` is `email.copy.html`. */
@ApiTags('outbound')
@ApiBearerAuth()
@Controller('v1/outbound-templates')
export class OutboundTemplatesController {
  constructor(private readonly templates: OutboundTemplatesService) {}

  @Get()
  @ApiOkResponse({ type: [TemplateView] })
  @RequirePermission('outbound.manage')
  list(@CurrentAuth() auth: AuthContext): Promise<TemplateView[]> {
    return this.templates.list(auth);
  }

  @Get(':name')
  @ApiOkResponse({ type: TemplateView })
  @RequirePermission('outbound.manage')
  get(@CurrentAuth() auth: AuthContext, @NameParam() name: string): Promise<TemplateView> {
    return this.templates.get(auth, name);
  }

  /** The company's own version; a syntax error is a 422 with `details.line` and `details.column`. */
  @Put(':name')
  @ApiOkResponse({ type: TemplateView })
  @RequirePermission('outbound.manage')
  save(@CurrentAuth() auth: AuthContext, @NameParam() name: string, @Body() input: TemplateSourceDto): Promise<TemplateView> {
    return this.templates.save(auth, name, input.source);
  }

  @Delete(':name')
  @HttpCode(204)
  @RequirePermission('outbound.manage')
  reset(@CurrentAuth() auth: AuthContext, @NameParam() name: string): Promise<void> {
    return this.templates.reset(auth, name);
  }

  /** Renders the current (or a given) source with sample (or given) data; lists missing variables; SMS: segments. */
  @Post(':name/preview')
  @HttpCode(200)
  @ApiOkResponse({ type: PreviewView })
  @RequirePermission('outbound.manage')
  preview(@CurrentAuth() auth: AuthContext, @NameParam() name: string, @Body() input: PreviewDto): Promise<PreviewView> {
    return this.templates.preview(auth, name, input);
  }
}
