import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AnyAccount, type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import { DiscussionsService } from './discussions.service.js';
import { CreateDiscussionDto, CreateDiscussionReplyDto, DiscussionListQueryDto, UpdateDiscussionDto } from './dto/discussion.dto.js';
import { DiscussionCountsView, DiscussionReplyView, DiscussionView } from './dto/discussion.views.js';

/**
 * Discussions with a portal person. Open to any account: staff need notes.read / notes.write (403
 * naming it otherwise); a client-side or worker account reaches the visible ones about itself.
 */
@ApiTags('discussions')
@ApiBearerAuth()
@Controller('v1/discussions')
export class DiscussionsController {
  constructor(private readonly discussions: DiscussionsService) {}

  @Get()
  @ApiPageResponse(DiscussionView)
  @AnyAccount()
  list(@CurrentAuth() auth: AuthContext, @Query() query: DiscussionListQueryDto): Promise<Page<DiscussionView>> {
    return this.discussions.list(auth, query);
  }

  @Get('counts')
  @ApiOkResponse({ type: DiscussionCountsView })
  @AnyAccount()
  counts(@CurrentAuth() auth: AuthContext): Promise<DiscussionCountsView> {
    return this.discussions.counts(auth);
  }

  @Post()
  @ApiCreatedResponse({ type: DiscussionView })
  @AnyAccount()
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateDiscussionDto): Promise<DiscussionView> {
    return this.discussions.create(auth, input);
  }

  @Get(':id')
  @ApiOkResponse({ type: DiscussionView, description: 'The discussion, no longer NEW for the caller' })
  @AnyAccount()
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<DiscussionView> {
    return this.discussions.get(auth, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: DiscussionView })
  @AnyAccount()
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateDiscussionDto): Promise<DiscussionView> {
    return this.discussions.update(auth, id, changes);
  }

  @Get(':id/replies')
  @ApiOkResponse({ type: [DiscussionReplyView] })
  @AnyAccount()
  replies(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<DiscussionReplyView[]> {
    return this.discussions.replies(auth, id);
  }

  @Post(':id/replies')
  @ApiCreatedResponse({ type: DiscussionReplyView })
  @AnyAccount()
  reply(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateDiscussionReplyDto): Promise<DiscussionReplyView> {
    return this.discussions.reply(auth, id, input);
  }
}
