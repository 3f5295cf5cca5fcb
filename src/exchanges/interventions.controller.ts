import { Body, Controller, Delete, Get, HttpCode, Param, Patch, type PipeTransform, Post, Put, Query } from '@nestjs/common';
import { DomainError } from '../core/errors/domain-error.js';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import { toView, toViews } from '../core/http/views.js';
import { RequirePermission } from '../rights/permissions.js';
import {
  CreateExchangeDto,
  CreateInterventionDto,
  ExchangeListQuery,
  InterventionListQuery,
  PutExchangeTypeDto,
  SendExchangeDto,
  UpdateExchangeDto,
  UpdateInterventionDto,
} from './dto/intervention.dto.js';
import { ExchangeTypeView, ExchangeView, InterventionView } from './dto/intervention.views.js';
import { EXCHANGE_TYPE_KEY, ExchangeTypes } from './exchange-types.js';
import { ExchangesService } from './exchanges.service.js';
import { InterventionsService } from './interventions.service.js';

@ApiTags('interventions')
@ApiBearerAuth()
@Controller('v1')
export class InterventionsController {
  constructor(
    private readonly interventions: InterventionsService,
    private readonly exchanges: ExchangesService,
  ) {}

  @Post('interventions')
  @ApiCreatedResponse({ type: InterventionView })
  @RequirePermission('exchanges.write')
  create(@CurrentAuth() auth: AuthContext, @Body() input: CreateInterventionDto): Promise<InterventionView> {
    return this.interventions.create(auth, input);
  }

  /** Newest first, each with its summary (exchange count, latest preview, reminder badge). */
  @Get('interventions')
  @ApiPageResponse(InterventionView)
  @RequirePermission('exchanges.read')
  list(@CurrentAuth() auth: AuthContext, @Query() query: InterventionListQuery): Promise<Page<InterventionView>> {
    return this.interventions.list(auth, query);
  }

  @Get('interventions/:id')
  @ApiOkResponse({ type: InterventionView })
  @RequirePermission('exchanges.read')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<InterventionView> {
    return this.interventions.get(auth, id);
  }

  @Patch('interventions/:id')
  @ApiOkResponse({ type: InterventionView })
  @ApiOperation({ summary: 'Edit; status reported (the report is written) freezes the intervention and its exchanges (409 intervention_reported after)' })
  @RequirePermission('exchanges.write')
  update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: UpdateInterventionDto): Promise<InterventionView> {
    return this.interventions.update(auth, id, input);
  }

  /** Its exchanges in the order they happened (drafts only with ?status=draft). */
  @Get('interventions/:id/exchanges')
  @ApiOkResponse({ type: [ExchangeView] })
  @RequirePermission('exchanges.read')
  listExchanges(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Query() query: ExchangeListQuery): Promise<ExchangeView[]> {
    return this.exchanges.list(auth, id, query);
  }

  @Post('interventions/:id/exchanges')
  @ApiCreatedResponse({ type: ExchangeView })
  @ApiOperation({
    summary: 'Record an exchange (draft: true keeps a draft; send: true sends it by email or SMS). A client account records a received exchange from its portal while the intervention is in progress or recently done.',
  })
  @RequirePermission('exchanges.write')
  addExchange(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: CreateExchangeDto): Promise<ExchangeView> {
    return this.exchanges.create(auth, id, input);
  }

  @Get('exchanges/:id')
  @ApiOkResponse({ type: ExchangeView })
  @RequirePermission('exchanges.read')
  getExchange(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<ExchangeView> {
    return this.exchanges.get(auth, id);
  }

  @Patch('exchanges/:id')
  @ApiOkResponse({ type: ExchangeView })
  @ApiOperation({ summary: 'Edit an exchange (a sent one: 409 exchange_sent; after the report: 409 intervention_reported)' })
  @RequirePermission('exchanges.write')
  updateExchange(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: UpdateExchangeDto): Promise<ExchangeView> {
    return this.exchanges.update(auth, id, input);
  }

  @Delete('exchanges/:id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Delete, keeping a history line; refused with 409 (exchange_sent, intervention_reported) when its copy went out or the report is written' })
  @RequirePermission('exchanges.delete')
  deleteExchange(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.exchanges.delete(auth, id);
  }

  @Post('exchanges/:id/send')
  @HttpCode(200)
  @ApiOkResponse({ type: ExchangeView })
  @ApiOperation({ summary: 'Send a draft (or a transmitted exchange never sent) by email or SMS; a second send is 409 exchange_sent' })
  @RequirePermission('exchanges.write')
  send(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() input: SendExchangeDto): Promise<ExchangeView> {
    return this.exchanges.send(auth, id, input.channel);
  }
}

/** A type key in the path: anything else is 400 invalid_id, as a malformed id is. */
class TypeKeyPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!EXCHANGE_TYPE_KEY.test(value)) throw new DomainError('invalid_id', 'The key in the path is not a type key (1-40 characters among a-z, 0-9 and _, starting with a letter)');
    return value;
  }
}

@ApiTags('interventions')
@ApiBearerAuth()
@Controller('v1/exchange-types')
export class ExchangeTypesController {
  constructor(private readonly types: ExchangeTypes) {}

  @Get()
  @ApiOkResponse({ type: [ExchangeTypeView] })
  @RequirePermission('exchanges.read')
  async list(@CurrentAuth() auth: AuthContext): Promise<ExchangeTypeView[]> {
    return toViews(ExchangeTypeView, await this.types.list(auth.companyId));
  }

  /** Renames a built-in type, or adds one of the company's own. */
  @Put(':key')
  @ApiOkResponse({ type: ExchangeTypeView })
  @RequirePermission('settings.manage')
  async put(@CurrentAuth() auth: AuthContext, @Param('key', new TypeKeyPipe()) key: string, @Body() input: PutExchangeTypeDto): Promise<ExchangeTypeView> {
    return toView(ExchangeTypeView, await this.types.put(auth, key, input));
  }
}
