import { StructureView, SubcontractingLinkView } from './dto/structure.views.js';
import { toView, toViews } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MemberView } from './dto/member.response.js';
import { CollaboratorView } from './dto/collaborator.response.js';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam } from '../core/http/params.js';
import { AddMemberDto, CollaboratorSearchQuery, CreateStructureDto, RequestLinkDto, UpdateStructureDto } from './dto/structure.dto.js';
import { StructuresService } from './structures.service.js';
import { SubcontractingService } from './subcontracting.service.js';

@ApiTags('structures')
@ApiBearerAuth()
@Controller('v1/structures')
export class StructuresController {
  constructor(private readonly structures: StructuresService) {}

  @Get()
  @ApiOkResponse({ type: [StructureView] })
  @RequirePermission('structures.read')
  async list(@CurrentAuth() auth: AuthContext): Promise<StructureView[]> {
    return toViews(StructureView, await this.structures.list(auth));
  }

  @Post()
  @ApiCreatedResponse({ type: StructureView })
  @RequirePermission('structures.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateStructureDto): Promise<StructureView> {
    return toView(StructureView, await this.structures.create(auth, input.name));
  }

  @Get(':id')
  @ApiOkResponse({ type: StructureView })
  @RequirePermission('structures.read')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<StructureView> {
    return toView(StructureView, await this.structures.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: StructureView })
  @RequirePermission('structures.manage')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: UpdateStructureDto): Promise<StructureView> {
    return toView(StructureView, await this.structures.rename(auth, id, input.name));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('structures.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.structures.remove(auth, id);
  }

  /** Members with the date they joined (subcontractors see only messages posted after it). */
  @Get(':id/members')
  @ApiOkResponse({ type: [MemberView] })
  @RequirePermission('structures.read')
  members(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<MemberView[]> {
    return this.structures.members(auth, id);
  }

  @Post(':id/members')
  @ApiCreatedResponse({ type: MemberView })
  @RequirePermission('structures.manage')
  @ApiForbiddenResponse({ description: 'subcontracting_link_required: the collaborator’s company is not linked' })
  addMember(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: AddMemberDto): Promise<MemberView> {
    return this.structures.addMember(auth, id, input.userId);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @RequirePermission('structures.manage')
  removeMember(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @IdParam('userId') userId: string): Promise<void> {
    return this.structures.removeMember(auth, id, userId);
  }
}

@ApiTags('structures')
@ApiBearerAuth()
@Controller('v1/subcontracting')
export class SubcontractingController {
  constructor(private readonly links: SubcontractingService) {}

  /** Links where the company is either side. */
  @Get('links')
  @ApiOkResponse({ type: [SubcontractingLinkView] })
  @RequirePermission('subcontracting.manage')
  async list(@CurrentAuth() auth: AuthContext): Promise<SubcontractingLinkView[]> {
    return toViews(SubcontractingLinkView, await this.links.list(auth));
  }

  @Post('links')
  @ApiCreatedResponse({ type: SubcontractingLinkView })
  @RequirePermission('subcontracting.manage')
  async request(@CurrentAuth() auth: AuthContext, @Body() input: RequestLinkDto): Promise<SubcontractingLinkView> {
    return toView(SubcontractingLinkView, await this.links.request(auth, input.partnerCompanyId));
  }

  @Post('links/:id/accept')
  @ApiOkResponse({ type: SubcontractingLinkView })
  @HttpCode(200)
  @RequirePermission('subcontracting.manage')
  async accept(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<SubcontractingLinkView> {
    return toView(SubcontractingLinkView, await this.links.accept(auth, id));
  }

  /** Ends the link: the other company's collaborators leave this company's structures at once. */
  @Post('links/:id/end')
  @ApiOkResponse({ type: SubcontractingLinkView })
  @HttpCode(200)
  @RequirePermission('subcontracting.manage')
  async end(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<SubcontractingLinkView> {
    return toView(SubcontractingLinkView, await this.links.end(auth, id));
  }

  /** Collaborators of linked companies only: the candidates for this company's structures. */
  @Get('collaborators')
  @ApiOkResponse({ type: [CollaboratorView] })
  @RequirePermission('structures.manage')
  collaborators(@CurrentAuth() auth: AuthContext, @Query() query: CollaboratorSearchQuery): Promise<CollaboratorView[]> {
    return this.links.searchCollaborators(auth, query.q);
  }
}
