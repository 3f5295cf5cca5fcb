import { RightsTemplateView } from './dto/rights-template.view.js';
import { UserView } from '../accounts/dto/user.view.js';
import { toView, toViews } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CreateUserDto } from '../accounts/dto/user.dto.js';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { PERMISSIONS, RequirePermission } from './permissions.js';
import { IdParam } from '../core/http/params.js';
import { ApplyRightsTemplateDto, CreateRightsTemplateDto, UpdateRightsTemplateDto } from './dto/rights-template.dto.js';
import { RightsService } from './rights.service.js';

class PermissionView {
  @ApiProperty({ example: 'messages.write' }) name!: string;
  @ApiProperty() description!: string;
}

@ApiTags('rights')
@ApiBearerAuth()
@Controller('v1/permissions')
export class PermissionsController {
  /** The permission catalogue: every capability a rights template can grant. */
  @Get()
  @ApiOkResponse({ type: [PermissionView] })
  @AnyAccount()
  catalogue(): PermissionView[] {
    return Object.entries(PERMISSIONS).map(([name, description]) => ({ name, description }));
  }
}

@ApiTags('rights')
@ApiBearerAuth()
@Controller('v1/rights-templates')
export class RightsTemplatesController {
  constructor(private readonly rights: RightsService) {}

  @Get()
  @ApiOkResponse({ type: [RightsTemplateView] })
  @RequirePermission('rights.manage')
  async list(@CurrentAuth() auth: AuthContext): Promise<RightsTemplateView[]> {
    return toViews(RightsTemplateView, await this.rights.list(auth));
  }

  @Post()
  @ApiCreatedResponse({ type: RightsTemplateView })
  @RequirePermission('rights.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateRightsTemplateDto): Promise<RightsTemplateView> {
    return toView(RightsTemplateView, await this.rights.create(auth, input));
  }

  @Get(':id')
  @ApiOkResponse({ type: RightsTemplateView })
  @RequirePermission('rights.manage')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<RightsTemplateView> {
    return toView(RightsTemplateView, await this.rights.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: RightsTemplateView })
  @RequirePermission('rights.manage')
  @ApiOperation({
    summary: 'Edit a template',
    description: 'Accounts it was applied to keep their current permissions until the template is applied to them again.',
  })
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateRightsTemplateDto): Promise<RightsTemplateView> {
    return toView(RightsTemplateView, await this.rights.update(auth, id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('rights.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.rights.remove(auth, id);
  }

  @Post(':id/apply')
  @ApiOkResponse({ type: UserView })
  @HttpCode(200)
  @RequirePermission('rights.manage')
  @ApiOperation({ summary: 'Apply the template to an account: replaces its role and permissions' })
  @ApiForbiddenResponse({ description: 'permission_denied: the template grants permissions the caller does not hold (named in details.permissions)' })
  @ApiConflictResponse({ description: 'last_manager: the account is the last active manager holding accounts.manage and rights.manage' })
  @ApiUnprocessableEntityResponse({ description: 'rights_template_kind_mismatch: the template is for another kind of account' })
  async apply(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: ApplyRightsTemplateDto): Promise<UserView> {
    return toView(UserView, await this.rights.apply(auth, id, input.userId));
  }
}

/** Creating an account is applying a rights template to a new person, hence its place here. */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users')
export class AccountCreationController {
  constructor(private readonly rights: RightsService) {}

  @Post()
  @ApiCreatedResponse({ type: UserView })
  @ApiForbiddenResponse({ description: 'permission_denied: the template grants permissions the caller does not hold (named in details.permissions)' })
  @RequirePermission('accounts.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateUserDto): Promise<UserView> {
    return toView(UserView, await this.rights.createAccount(auth, input));
  }
}
