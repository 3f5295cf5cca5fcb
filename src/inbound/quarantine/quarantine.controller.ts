import { BulkResultsView, QuarantineContentView, QuarantineItemView, RerunView } from './dto/quarantine-item.view.js';
import { toView, toViewPage } from '../../core/http/views.js';
import { Body, Controller, Get, HttpCode, Post, Query, Res, type StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../../core/auth/auth-context.js';
import { RequirePermission } from '../../rights/permissions.js';
import { ApiPageResponse } from '../../core/http/api-responses.js';
import { ApiFileDownload, downloadOf, IndexParam } from '../../core/http/file-download.js';
import { IdParam, type Page } from '../../core/http/params.js';
import { AssignQuarantineDto, BulkQuarantineDto, DiscardQuarantineDto, OpenFromQuarantineDto, QuarantineListQueryDto } from './dto/quarantine.dto.js';
import { QuarantineService } from './quarantine.service.js';

/** Triage of inbound email and SMS nobody could thread: list, assign to a thread, discard. */
@ApiTags('quarantine')
@ApiBearerAuth()
@Controller('v1/quarantine')
export class QuarantineController {
  constructor(private readonly quarantine: QuarantineService) {}

  @Get()
  @ApiPageResponse(QuarantineItemView)
  @RequirePermission('quarantine.triage')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: QuarantineListQueryDto): Promise<Page<QuarantineItemView>> {
    return toViewPage(QuarantineItemView, await this.quarantine.list(auth, query));
  }

  @Get(':id')
  @ApiOkResponse({ type: QuarantineItemView })
  @RequirePermission('quarantine.triage')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<QuarantineItemView> {
    return toView(QuarantineItemView, await this.quarantine.get(auth, id));
  }

  @Get(':id/content')
  @ApiOkResponse({ type: QuarantineContentView, description: 'The mail or SMS as it came in, whole: full text and attachments' })
  @RequirePermission('quarantine.triage')
  content(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<QuarantineContentView> {
    return this.quarantine.content(auth, id);
  }

  /** A file of the item's mail (its position in the content's `attachments`), whatever the item's status. */
  @Get(':id/attachments/:index')
  @ApiFileDownload('No such item for the caller, no such file, an MMS’s media (kept at the provider), or the mail was purged')
  @RequirePermission('quarantine.triage')
  async attachment(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IndexParam() index: number,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return downloadOf(await this.quarantine.attachment(auth, id, index), res);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantineItemView })
  @RequirePermission('quarantine.triage')
  async assign(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: AssignQuarantineDto): Promise<QuarantineItemView> {
    return toView(QuarantineItemView, await this.quarantine.assign(auth, id, input.messageId));
  }

  @Post('bulk')
  @HttpCode(200)
  @ApiOkResponse({ type: BulkResultsView })
  @RequirePermission('quarantine.triage')
  async bulk(@CurrentAuth() auth: AuthContext, @Body() input: BulkQuarantineDto): Promise<BulkResultsView> {
    const results = await this.quarantine.bulk(auth, input);
    return { results };
  }

  @Post(':id/open')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantineItemView, description: 'The item, assigned to the message opened from it' })
  @RequirePermission('quarantine.triage')
  async open(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: OpenFromQuarantineDto): Promise<QuarantineItemView> {
    return toView(QuarantineItemView, await this.quarantine.open(auth, id, input.clientId));
  }

  @Post(':id/rerun')
  @HttpCode(200)
  @ApiOkResponse({ type: RerunView })
  @RequirePermission('quarantine.triage')
  async rerun(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<RerunView> {
    const { item, outcome } = await this.quarantine.rerun(auth, id);
    return { item: toView(QuarantineItemView, item), outcome };
  }

  @Post(':id/discard')
  @HttpCode(200)
  @ApiOkResponse({ type: QuarantineItemView })
  @RequirePermission('quarantine.triage')
  async discard(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: DiscardQuarantineDto): Promise<QuarantineItemView> {
    return toView(QuarantineItemView, await this.quarantine.discard(auth, id, input.reason));
  }
}
