import { FileAlerts } from '../core/file-alerts/file-alerts.js';
import { ClientView, ContactView, InstructionView } from './dto/client.views.js';
import { toView, toViews, toViewPage } from '../core/http/views.js';
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam, type Page, PageQuery } from '../core/http/params.js';
import { ClientsService } from './clients.service.js';
import {
  CreateClientDto,
  CreateContactDto,
  CreateInstructionDto,
  InstructionListQuery,
  UpdateClientDto,
  UpdateContactDto,
  UpdateInstructionDto,
} from './dto/client.dto.js';

class ClientListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Part of the name' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
}

@ApiTags('clients')
@ApiBearerAuth()
@Controller('v1/clients')
export class ClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly alerts: FileAlerts,
  ) {}

  @Get()
  @ApiPageResponse(ClientView)
  @RequirePermission('clients.read')
  async list(@CurrentAuth() auth: AuthContext, @Query() query: ClientListQuery): Promise<Page<ClientView>> {
    return toViewPage(ClientView, await this.clients.list(auth, query));
  }

  @Post()
  @ApiCreatedResponse({ type: ClientView })
  @RequirePermission('clients.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: CreateClientDto): Promise<ClientView> {
    return toView(ClientView, await this.clients.create(auth, input));
  }

  @Get(':id')
  @ApiOkResponse({ type: ClientView })
  @RequirePermission('clients.read')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<ClientView> {
    const client = toView(ClientView, await this.clients.get(auth, id));
    // The file opened: the alerts staff must see about it (none for a client-side account).
    return { ...client, noteAlerts: await this.alerts.of(auth, { clientId: id }) };
  }

  @Patch(':id')
  @ApiOkResponse({ type: ClientView })
  @RequirePermission('clients.manage')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateClientDto): Promise<ClientView> {
    return toView(ClientView, await this.clients.update(auth, id, changes));
  }

  @Get(':id/contacts')
  @ApiOkResponse({ type: [ContactView] })
  @RequirePermission('clients.read')
  async contacts(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<ContactView[]> {
    return toViews(ContactView, await this.clients.listContacts(auth, id));
  }

  @Post(':id/contacts')
  @ApiCreatedResponse({ type: ContactView })
  @RequirePermission('clients.manage')
  async addContact(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateContactDto): Promise<ContactView> {
    return toView(ContactView, await this.clients.addContact(auth, id, input));
  }

  @Patch(':id/contacts/:contactId')
  @ApiOkResponse({ type: ContactView })
  @RequirePermission('clients.manage')
  async updateContact(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IdParam('contactId') contactId: string,
    @Body() changes: UpdateContactDto,
  ): Promise<ContactView> {
    return toView(ContactView, await this.clients.updateContact(auth, id, contactId, changes));
  }

  @Delete(':id/contacts/:contactId')
  @HttpCode(204)
  @RequirePermission('clients.manage')
  removeContact(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @IdParam('contactId') contactId: string): Promise<void> {
    return this.clients.removeContact(auth, id, contactId);
  }

  @Get(':id/instructions')
  @ApiOkResponse({ type: [InstructionView] })
  @ApiForbiddenResponse({ description: 'permission_denied: client and secretary accounts do not see the instructions left for operators' })
  @RequirePermission('clients.read')
  async instructions(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Query() query: InstructionListQuery): Promise<InstructionView[]> {
    return toViews(InstructionView, await this.clients.listInstructions(auth, id, query.for));
  }

  @Post(':id/instructions')
  @ApiCreatedResponse({ type: InstructionView })
  @RequirePermission('clients.manage')
  async addInstruction(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateInstructionDto): Promise<InstructionView> {
    return toView(InstructionView, await this.clients.addInstruction(auth, id, input));
  }

  @Patch(':id/instructions/:instructionId')
  @ApiOkResponse({ type: InstructionView })
  @RequirePermission('clients.manage')
  async updateInstruction(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IdParam('instructionId') instructionId: string,
    @Body() changes: UpdateInstructionDto,
  ): Promise<InstructionView> {
    return toView(InstructionView, await this.clients.updateInstruction(auth, id, instructionId, changes));
  }

  @Delete(':id/instructions/:instructionId')
  @HttpCode(204)
  @RequirePermission('clients.manage')
  removeInstruction(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IdParam('instructionId') instructionId: string,
  ): Promise<void> {
    return this.clients.removeInstruction(auth, id, instructionId);
  }
}
