import { FileAlerts } from '../core/file-alerts/file-alerts.js';
import { UserView } from './dto/user.view.js';
import { toView, toViewPage } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IssuedTokenView, TokenView } from './dto/token.response.js';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam, type Page } from '../core/http/params.js';
import { CreateTokenDto, UpdateUserDto, UserListQuery } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly alerts: FileAlerts,
  ) {}

  @Get()
  @ApiPageResponse(UserView)
  @RequirePermission('accounts.read')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: UserListQuery): Promise<Page<UserView>> {
    return toViewPage(UserView, await this.users.list(auth, query));
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  @RequirePermission('accounts.read')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<UserView> {
    const user = toView(UserView, await this.users.get(auth, id));
    // The account opened: the alerts staff must see about this person.
    return { ...user, noteAlerts: await this.alerts.of(auth, { userId: id }) };
  }

  /** Edit an account; `active: false` deactivates it (its tokens stop working at once). */
  @Patch(':id')
  @ApiOkResponse({ type: UserView })
  @RequirePermission('accounts.manage')
  @ApiConflictResponse({
    description: 'user_email_taken, or last_manager when deactivating the last active manager holding accounts.manage and rights.manage',
  })
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateUserDto): Promise<UserView> {
    return toView(UserView, await this.users.update(auth, id, changes));
  }

  /** The account's tokens, without their secrets. */
  @Get(':id/tokens')
  @ApiOkResponse({ type: [TokenView] })
  @RequirePermission('accounts.manage')
  tokens(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<TokenView[]> {
    return this.users.listTokens(auth, id);
  }

  /** A new token for the account; its secret is in this answer only. */
  @Post(':id/tokens')
  @ApiCreatedResponse({ type: IssuedTokenView })
  @RequirePermission('accounts.manage')
  createToken(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateTokenDto): Promise<IssuedTokenView> {
    return this.users.createToken(auth, id, input.name);
  }

  @Delete(':id/tokens/:tokenId')
  @HttpCode(204)
  @RequirePermission('accounts.manage')
  revokeToken(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @IdParam('tokenId') tokenId: string): Promise<void> {
    return this.users.revokeToken(auth, id, tokenId);
  }
}
