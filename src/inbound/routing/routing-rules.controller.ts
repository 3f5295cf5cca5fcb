import { Body, Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../../core/auth/auth-context.js';
import { IdParam } from '../../core/http/params.js';
import { toView, toViews } from '../../core/http/views.js';
import { RequirePermission } from '../../rights/permissions.js';
import { DryRunDto, ReorderRoutingRulesDto, RoutingRuleInput, UpdateRoutingRuleDto } from './dto/routing-rule.dto.js';
import { DryRunView, RoutingRuleView } from './dto/routing-rule.view.js';
import { RoutingRulesService } from './routing-rules.service.js';

/** What happens to inbound mail and SMS nobody's thread was waiting for: rules in order, first match wins; a dry run explains. */
@ApiTags('routing')
@ApiBearerAuth()
@Controller('v1/routing-rules')
export class RoutingRulesController {
  constructor(private readonly rules: RoutingRulesService) {}

  @Get()
  @ApiOkResponse({ type: [RoutingRuleView] })
  @RequirePermission('routing.manage')
  async list(@CurrentAuth() auth: AuthContext): Promise<RoutingRuleView[]> {
    return toViews(RoutingRuleView, await this.rules.list(auth));
  }

  @Post()
  @ApiCreatedResponse({ type: RoutingRuleView })
  @RequirePermission('routing.manage')
  async create(@CurrentAuth() auth: AuthContext, @Body() input: RoutingRuleInput): Promise<RoutingRuleView> {
    return toView(RoutingRuleView, await this.rules.create(auth, input));
  }

  @Post('dry-run')
  @HttpCode(200)
  @ApiOkResponse({ type: DryRunView })
  @RequirePermission('routing.manage')
  async dryRun(@CurrentAuth() auth: AuthContext, @Body() input: DryRunDto): Promise<DryRunView> {
    return toView(DryRunView, await this.rules.dryRun(auth, input));
  }

  @Post('reorder')
  @HttpCode(200)
  @ApiOkResponse({ type: [RoutingRuleView] })
  @RequirePermission('routing.manage')
  async reorder(@CurrentAuth() auth: AuthContext, @Body() input: ReorderRoutingRulesDto): Promise<RoutingRuleView[]> {
    return toViews(RoutingRuleView, await this.rules.reorder(auth, input.ids));
  }

  @Get(':id')
  @ApiOkResponse({ type: RoutingRuleView })
  @RequirePermission('routing.manage')
  async get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<RoutingRuleView> {
    return toView(RoutingRuleView, await this.rules.get(auth, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: RoutingRuleView })
  @RequirePermission('routing.manage')
  async update(@CurrentAuth() auth: AuthContext, @IdParam() id: string, @Body() changes: UpdateRoutingRuleDto): Promise<RoutingRuleView> {
    return toView(RoutingRuleView, await this.rules.update(auth, id, changes));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @RequirePermission('routing.manage')
  remove(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<void> {
    return this.rules.remove(auth, id);
  }
}
