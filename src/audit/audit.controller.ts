import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthContext, CurrentAuth } from '../core/auth/auth-context.js';
import { RequirePermission } from '../rights/permissions.js';
import type { Page } from '../core/http/params.js';
import { ApiPageResponse } from '../core/http/api-responses.js';
import { AuditService } from './audit.service.js';
import { AuditView } from './dto/audit-entry.response.js';
import { AuditFilter } from './dto/audit-filter.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Admin changes of the company, oldest first, filterable by action, target, actor and period. */
  @Get()
  @ApiPageResponse(AuditView)
  @RequirePermission('audit.read')
  list(@CurrentAuth() auth: AuthContext, @Query() filter: AuditFilter): Promise<Page<AuditView>> {
    return this.audit.list(auth, filter, filter);
  }
}
