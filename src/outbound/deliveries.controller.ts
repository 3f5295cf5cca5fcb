import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { IdParam, type Page } from '../core/http/params.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryDetailView, DeliveryFilter, DeliveryView } from './dto/outbound.dto.js';

@ApiTags('outbound')
@ApiBearerAuth()
@Controller('v1/deliveries')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  /** Copies sent or to send, oldest first; filter by status, channel, message, recipient. */
  @Get()
  @ApiPageResponse(DeliveryView)
  @RequirePermission('outbound.manage')
  list(@CurrentAuth() auth: AuthContext, @Query() filter: DeliveryFilter): Promise<Page<DeliveryView>> {
    return this.deliveries.list(auth, filter);
  }

  /** One delivery with every attempt and provider status. */
  @Get(':id')
  @ApiOkResponse({ type: DeliveryDetailView })
  @RequirePermission('outbound.manage')
  get(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<DeliveryDetailView> {
    return this.deliveries.get(auth, id);
  }

  /** Sends a failed delivery again (409 for any other status). */
  @Post(':id/retry')
  @HttpCode(200)
  @ApiOkResponse({ type: DeliveryDetailView })
  @RequirePermission('outbound.manage')
  retry(@CurrentAuth() auth: AuthContext, @IdParam() id: string): Promise<DeliveryDetailView> {
    return this.deliveries.retry(auth, id);
  }
}
