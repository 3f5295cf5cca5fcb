import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/core';
import { type INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import pino from 'pino';
import { CompaniesModule } from './companies/companies.module.js';
import { CompanySetupService } from './companies/company-setup.service.js';
import { withConfigTable } from './config/config-doc.js';
import type { AppConfig } from './config/config.schema.js';
import { loadConfigOrExit } from './config/load-config.js';
import { AppConfigModule } from './core/app-config.module.js';
import { DatabaseModule } from './core/database/database.module.js';
import { migrate } from './core/database/migrate.js';
import { DomainError } from './core/errors/domain-error.js';
import { createLogger, PinoNestLogger } from './core/logging/logger.js';

const USAGE = `usage:
  npm run migrate
  npm run cli -- bootstrap --company NAME --manager-email EMAIL [--first-name NAME] [--last-name NAME] [--country FR] [--force]
                                         (--country: where national phone numbers are read, FR by default;
                                          --force: create another company even though EMAIL already manages one)
  npm run cli -- config-table            (rewrites the README's configuration table)
  npm run cli -- help                    (or --help, -h: this text)`;

/** What the commands need: the database and the account services, no HTTP, no queues. */
function cliModule(config: AppConfig) {
  @Module({
    imports: [AppConfigModule.forRoot(config), DatabaseModule.forRoot(config), CompaniesModule],
  })
  class CliModule {}
  return CliModule;
}

async function withContext<T>(config: AppConfig, run: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  // Logs go to stderr so that stdout carries only the command's JSON result.
  const logger = createLogger({ level: 'warn', role: 'cli' }, pino.destination({ fd: 2, sync: true }));
  const context = await NestFactory.createApplicationContext(cliModule(config), { logger: new PinoNestLogger(logger) });
  try {
    return await run(context);
  } finally {
    await context.close();
  }
}

async function main(argv: string[]): Promise<unknown> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      company: { type: 'string' },
      'manager-email': { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      country: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0];
  if (values.help || command === 'help') return HELP;
  if (command === 'config-table') {
    const readme = new URL('../README.md', import.meta.url);
    writeFileSync(readme, withConfigTable(readFileSync(readme, 'utf8')));
    return { written: 'README.md' };
  }
  if (command === 'migrate') {
    return withContext(loadConfigOrExit(), async (context) => ({ applied: await migrate(context.get(MikroORM)) }));
  }
  if (command === 'bootstrap') {
    const company = values.company;
    const managerEmail = values['manager-email'];
    if (!company || !managerEmail) throw new UsageError('bootstrap needs --company and --manager-email');
    return withContext(loadConfigOrExit(), (context) =>
      context.get(CompanySetupService).bootstrap({
        companyName: company,
        managerEmail,
        firstName: values['first-name'],
        lastName: values['last-name'],
        country: values.country,
        force: values.force === true,
      }),
    );
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

class UsageError extends Error {}

/** Asking for help is a success: the usage goes to stdout and the exit code is 0. */
const HELP = Symbol('help');

try {
  const result = await main(process.argv.slice(2));
  process.stdout.write(result === HELP ? `${USAGE}\n` : `${JSON.stringify(result)}\n`);
} catch (error) {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`relais: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 64;
  } else if (error instanceof DomainError) {
    process.stderr.write(`relais: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`relais: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
