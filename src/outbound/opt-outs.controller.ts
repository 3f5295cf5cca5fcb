import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import { OptOutDto, OptOutFilter, OptOutView } from './dto/outbound.dto.js';
import { OptOutsService } from './opt-outs.service.js';

@ApiTags('outbound')
@ApiBearerAuth()
@Controller('v1/opt-outs')
export class OptOutsController {
  constructor(private readonly optOuts: OptOutsService) {}

  @Get()
  @ApiPageResponse(OptOutView)
  @RequirePermission('outbound.manage')
  list(@CurrentAuth() auth: AuthContext, @Query() filter: OptOutFilter): Promise<Page<OptOutView>> {
    return this.optOuts.list(auth, filter);
  }

  /** Never send to this address on this channel again (409 if it already is). */
  @Post()
  @ApiCreatedResponse({ type: OptOutView })
  @RequirePermission('outbound.manage')
  add(@CurrentAuth() auth: AuthContext, @Body() input: OptOutDto): Promise<OptOutView> {
    return this.optOuts.add(auth, input);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('outbound.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.optOuts.remove(auth, id);
  }
}
