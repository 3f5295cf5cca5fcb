import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { IdParam, type Page, PageQuery } from '../core/http/params.js';
import { Client, Contact, Instruction } from './client.entity.js';
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
  constructor(private readonly clients: ClientsService) {}

  @Get()
  @ApiPageResponse(Client)
  @RequirePermission('clients.read')
  list(@CurrentAuth() auth: AuthContext, @Query() query: ClientListQuery): Promise<Page<Client>> {
    return this.clients.list(auth, query);
  }

  @Post()
  @ApiCreatedResponse({ type: Client })
  @RequirePermission('clients.manage')
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateClientDto): Promise<Client> {
    return this.clients.create(auth, input);
  }

  @Get(':id')
  @ApiOkResponse({ type: Client })
  @RequirePermission('clients.read')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<Client> {
    return this.clients.get(auth, id);
  }

  @Patch(':id')
  @ApiOkResponse({ type: Client })
  @RequirePermission('clients.manage')
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateClientDto): Promise<Client> {
    return this.clients.update(auth, id, changes);
  }

  @Get(':id/contacts')
  @ApiOkResponse({ type: [Contact] })
  @RequirePermission('clients.read')
  contacts(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<Contact[]> {
    return this.clients.listContacts(auth, id);
  }

  @Post(':id/contacts')
  @ApiCreatedResponse({ type: Contact })
  @RequirePermission('clients.manage')
  addContact(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateContactDto): Promise<Contact> {
    return this.clients.addContact(auth, id, input);
  }

  @Patch(':id/contacts/:contactId')
  @ApiOkResponse({ type: Contact })
  @RequirePermission('clients.manage')
  updateContact(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IdParam('contactId') contactId: string,
    @Body() changes: UpdateContactDto,
  ): Promise<Contact> {
    return this.clients.updateContact(auth, id, contactId, changes);
  }

  @Delete(':id/contacts/:contactId')
  @HttpCode(204)
  @RequirePermission('clients.manage')
  removeContact(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @IdParam('contactId') contactId: string): Promise<void> {
    return this.clients.removeContact(auth, id, contactId);
  }

  @Get(':id/instructions')
  @ApiOkResponse({ type: [Instruction] })
  @ApiForbiddenResponse({ description: 'permission_denied: client and secretary accounts do not see the instructions left for operators' })
  @RequirePermission('clients.read')
  instructions(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Query() query: InstructionListQuery): Promise<Instruction[]> {
    return this.clients.listInstructions(auth, id, query.for);
  }

  @Post(':id/instructions')
  @ApiCreatedResponse({ type: Instruction })
  @RequirePermission('clients.manage')
  addInstruction(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateInstructionDto): Promise<Instruction> {
    return this.clients.addInstruction(auth, id, input);
  }

  @Patch(':id/instructions/:instructionId')
  @ApiOkResponse({ type: Instruction })
  @RequirePermission('clients.manage')
  updateInstruction(
    @CurrentAuth() auth: AuthContext,
    @IdParam() id: string,
    @IdParam('instructionId') instructionId: string,
    @Body() changes: UpdateInstructionDto,
  ): Promise<Instruction> {
    return this.clients.updateInstruction(auth, id, instructionId, changes);
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
