import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { AccountsService } from './accounts.service.js';
import { MeResponse } from './dto/me.response.js';
import { UpdateMeDto } from './dto/update-me.dto.js';

@ApiTags('accounts')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @AnyAccount()
  @ApiOkResponse({ type: MeResponse })
  @ApiUnauthorizedResponse({ description: 'missing_token, invalid_token, token_revoked or account_inactive' })
  me(@CurrentAuth() auth: AuthContext): Promise<MeResponse> {
    return this.accounts.describe(auth);
  }

  @Patch()
  @AnyAccount()
  @ApiOkResponse({ type: MeResponse })
  @ApiBadRequestResponse({ description: 'validation_failed (unknown fields are refused)' })
  update(@CurrentAuth() auth: AuthContext, @Body() changes: UpdateMeDto): Promise<MeResponse> {
    return this.accounts.updateOwnProfile(auth, changes);
  }
}
