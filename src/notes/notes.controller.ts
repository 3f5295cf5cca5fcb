import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import { toView, toViewPage } from '../core/http/views.js';
import { RequirePermission } from '../rights/permissions.js';
import { CreateNoteDto, NoteListQueryDto, UpdateNoteDto } from './dto/note.dto.js';
import { NoteView } from './dto/note.view.js';
import { NotesService } from './notes.service.js';

/** Internal notes about a client file or an account; alerts shown on the person's file until dismissed. Staff only. */
@ApiTags('notes')
@ApiBearerAuth()
@Controller('v1/notes')
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Get()
  @ApiPageResponse(NoteView)
  @RequirePermission('notes.read')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: NoteListQueryDto): Promise<Page<NoteView>> {
    return toViewPage(NoteView, await this.notes.list(auth, query));
  }

  @Post()
  @ApiCreatedResponse({ type: NoteView })
  @RequirePermission('notes.write')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateNoteDto): Promise<NoteView> {
    return toView(NoteView, await this.notes.create(auth, input));
  }

  @Get(':id')
  @ApiOkResponse({ type: NoteView })
  @RequirePermission('notes.read')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<NoteView> {
    return toView(NoteView, await this.notes.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: NoteView })
  @RequirePermission('notes.write')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateNoteDto): Promise<NoteView> {
    return toView(NoteView, await this.notes.update(auth, id, changes));
  }

  @Post(':id/dismiss')
  @HttpCode(200)
  @ApiOkResponse({ type: NoteView })
  @RequirePermission('notes.read')
  async dismiss(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<NoteView> {
    return toView(NoteView, await this.notes.dismiss(auth, id));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @RequirePermission('notes.write')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.notes.remove(auth, id);
  }
}
