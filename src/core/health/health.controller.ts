import { boundSql } from '../database/sql-rows.js';
import { EntityManager } from '@mikro-orm/postgresql';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth-context.js';
import { DomainError } from '../errors/domain-error.js';
import { RedisClient } from '../redis/redis.module.js';

const CHECK_TIMEOUT_MS = 1_500;

type CheckState = 'up' | 'down';

async function probe(check: () => Promise<unknown>): Promise<CheckState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly em: EntityManager,
    private readonly redis: RedisClient,
  ) {}

  /** The process is running (for restarts); says nothing about dependencies. */
  @Get('live')
  @ApiOkResponse({ description: 'The process is alive' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: PostgreSQL and Redis answer. 503 names what is down. */
  @Get('ready')
  @ApiOkResponse({ description: 'PostgreSQL and Redis answer' })
  @ApiServiceUnavailableResponse({ description: '{code: "not_ready", details: {postgres, redis}}' })
  async ready(): Promise<{ status: 'ok'; checks: Record<string, CheckState> }> {
    const [postgres, redis] = await Promise.all([
      probe(() => boundSql(this.em, 'select 1')),
      probe(() => this.redis.client.ping()),
    ]);
    const checks = { postgres, redis };
    const down = Object.entries(checks).filter(([, state]) => state === 'down').map(([name]) => name);
    if (down.length > 0) throw new DomainError('not_ready', `Not ready: ${down.join(' and ')} down`, checks);
    return { status: 'ok', checks };
  }
}
