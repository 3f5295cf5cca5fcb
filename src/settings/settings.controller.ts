import { SnippetView } from './dto/snippet.view.js';
import { toView, toViews } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { BannerView, SettingsView } from './dto/settings.response.js';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam } from '../core/http/params.js';
import { BannerDto, CompanyDefaultsDto, CreateSnippetDto, DefaultsDto, UpdateSnippetDto } from './dto/settings.dto.js';
import { SettingsService } from './settings.service.js';

@ApiTags('settings')
@ApiBearerAuth()
@Controller('v1')
export class SettingsController {
  constructor(private readonly settings: SettingsService) {}

  /** Company defaults, the caller's overrides, and what applies to the caller. */
  @Get('settings')
  @ApiOkResponse({ type: SettingsView })
  @AnyAccount()
  view(@CurrentAuth() auth: AuthContext): Promise<SettingsView> {
    return this.settings.view(auth);
  }

  @Patch('settings/company')
  @ApiOkResponse({ type: SettingsView })
  @ApiNotFoundResponse({ description: 'not_found: defaultMessageTemplateId is not a template of the company' })
  @RequirePermission('settings.manage')
  updateCompany(@CurrentAuth() auth: AuthContext, @Body() changes: CompanyDefaultsDto): Promise<SettingsView> {
    return this.settings.updateCompany(auth, changes);
  }

  /** The caller's own overrides; null returns a field to the company default. */
  @Patch('settings/me')
  @ApiOkResponse({ type: SettingsView })
  @ApiNotFoundResponse({ description: 'not_found: defaultMessageTemplateId is not a template of the company' })
  @AnyAccount()
  updateOwn(@CurrentAuth() auth: AuthContext, @Body() changes: DefaultsDto): Promise<SettingsView> {
    return this.settings.updateOwn(auth, changes);
  }

  /** Another account's defaults as an administrator sees them: company, overrides, effective. */
  @Get('users/:id/settings')
  @ApiOkResponse({ type: SettingsView })
  @RequirePermission('settings.manage')
  viewAccount(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<SettingsView> {
    return this.settings.viewAccount(auth, id);
  }

  /** Sets another account's overrides (audited); null returns a field to the company default. */
  @Patch('users/:id/settings')
  @ApiOkResponse({ type: SettingsView })
  @ApiNotFoundResponse({ description: 'not_found: no such account, or defaultMessageTemplateId is not a template of the company' })
  @RequirePermission('settings.manage')
  updateAccount(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: DefaultsDto): Promise<SettingsView> {
    return this.settings.updateAccount(auth, id, changes);
  }

  @Get('banner')
  @ApiOkResponse({ type: BannerView })
  @AnyAccount()
  banner(@CurrentAuth() auth: AuthContext): Promise<BannerView> {
    return this.settings.banner(auth);
  }

  @Put('banner')
  @ApiOkResponse({ type: BannerView })
  @RequirePermission('settings.manage')
  setBanner(@CurrentAuth() auth: AuthContext, @Body() input: BannerDto): Promise<BannerView> {
    return this.settings.setBanner(auth, input);
  }

  @Get('snippets')
  @ApiOkResponse({ type: [SnippetView] })
  @RequirePermission('settings.read')
  async snippets(@CurrentAuth() auth: AuthContext): Promise<SnippetView[]> {
    return toViews(SnippetView, await this.settings.snippets(auth));
  }

  @Post('snippets')
  @ApiCreatedResponse({ type: SnippetView })
  @RequirePermission('settings.manage')
  async createSnippet(@CurrentAuth() auth: AuthContext, @Body() input: CreateSnippetDto): Promise<SnippetView> {
    return toView(SnippetView, await this.settings.createSnippet(auth, input));
  }

  @Patch('snippets/:id')
  @ApiOkResponse({ type: SnippetView })
  @RequirePermission('settings.manage')
  async updateSnippet(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateSnippetDto): Promise<SnippetView> {
    return toView(SnippetView, await this.settings.updateSnippet(auth, id, changes));
  }

  @Delete('snippets/:id')
  @HttpCode(204)
  @RequirePermission('settings.manage')
  removeSnippet(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.settings.removeSnippet(auth, id);
  }
}
