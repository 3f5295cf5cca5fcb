import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../../core/auth/auth-context.js';
import { RequirePermission } from '../../rights/permissions.js';
import { ApiPageResponse } from '../../core/http/api-responses.js';
import { IdParam, type Page } from '../../core/http/params.js';
import { AssignQuarantineDto, DiscardQuarantineDto, QuarantineListQueryDto } from './dto/quarantine.dto.js';
import { QuarantineItem } from './quarantine-item.entity.js';
import { QuarantineService } from './quarantine.service.js';

/** Triage of inbound email and SMS nobody could thread: list, assign to a thread, discard. */
@ApiTags('quarantine')
@ApiBearerAuth()
@Controller('v1/quarantine')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @ApiPageResponse(QuarantineItem)
  @RequirePermission('quarantine.triage')
  list(@CurrentAuth() auth: AuthContext, @Query() query: QuarantineListQueryDto): Promise<Page<QuarantineItem>> {
    return this.quarantine.list(auth, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: QuarantineItem })
  @RequirePermission('quarantine.triage')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<QuarantineItem> {
    return this.quarantine.get(auth, id);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantineItem })
  @RequirePermission('quarantine.triage')
  assign(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: AssignQuarantineDto): Promise<QuarantineItem> {
    return this.quarantine.assign(auth, id, input.messageId);
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantineItem })
  @RequirePermission('quarantine.triage')
  discard(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: DiscardQuarantineDto): Promise<QuarantineItem> {
    return this.quarantine.discard(auth, id, input.reason);
  }
}
