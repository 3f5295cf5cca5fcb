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
import { User } from '../accounts/user.entity.js';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { PERMISSIONS, RequirePermission } from './permissions.js';
import { IdParam } from '../core/http/params.js';
import { ApplyRightsTemplateDto, CreateRightsTemplateDto, UpdateRightsTemplateDto } from './dto/rights-template.dto.js';
import { RightsTemplate } from './rights-template.entity.js';
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
  @ApiOkResponse({ type: [RightsTemplate] })
  @RequirePermission('rights.manage')
  list(@CurrentAuth() auth: AuthContext): Promise<RightsTemplate[]> {
    return this.rights.list(auth);
  }

  @Post()
  @ApiCreatedResponse({ type: RightsTemplate })
  @RequirePermission('rights.manage')
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateRightsTemplateDto): Promise<RightsTemplate> {
    return this.rights.create(auth, input);
  }

  @Get(':id')
  @ApiOkResponse({ type: RightsTemplate })
  @RequirePermission('rights.manage')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<RightsTemplate> {
    return this.rights.get(auth, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: RightsTemplate })
  @RequirePermission('rights.manage')
  @ApiOperation({
    summary: 'Edit a template',
    description: 'Accounts it was applied to keep their current permissions until the template is applied to them again.',
  })
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateRightsTemplateDto): Promise<RightsTemplate> {
    return this.rights.update(auth, id, changes);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('rights.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.rights.remove(auth, id);
  }

  @Post(':id/apply')
  @ApiOkResponse({ type: User })
  @HttpCode(200)
  @RequirePermission('rights.manage')
  @ApiOperation({ summary: 'Apply the template to an account: replaces its role and permissions' })
  @ApiForbiddenResponse({ description: 'permission_denied: the template grants permissions the caller does not hold (named in details.permissions)' })
  @ApiConflictResponse({ description: 'last_manager: the account is the last active manager holding accounts.manage and rights.manage' })
  @ApiUnprocessableEntityResponse({ description: 'rights_template_kind_mismatch: the template is for another kind of account' })
  apply(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: ApplyRightsTemplateDto): Promise<User> {
    return this.rights.apply(auth, id, input.userId);
  }
}

/** Creating an account is applying a rights template to a new person, hence its place here. */
@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users')
export class AccountCreationController {
  constructor(private readonly rights: RightsService) {}

  @Post()
  @ApiCreatedResponse({ type: User })
  @ApiForbiddenResponse({ description: 'permission_denied: the template grants permissions the caller does not hold (named in details.permissions)' })
  @RequirePermission('accounts.manage')
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateUserDto): Promise<User> {
    return this.rights.createAccount(auth, input);
  }
}
