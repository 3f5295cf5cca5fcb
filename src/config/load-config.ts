import { type AppConfig, toAppConfig, type VariableName, VARIABLES, type VariableSpec } from './config.schema.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A configuration problem, already phrased for a one-line message. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment against the schema; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Environment): AppConfig {
  const production = env.NODE_ENV === 'production';
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec][]) {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') {
      if (production && spec.requiredInProduction) {
        problems.push(`${name} is required in production`);
        continue;
      }
      if (spec.default === undefined) {
        problems.push(`${name} is required`);
        continue;
      }
    }
    const input = raw === undefined || raw === '' ? spec.default : raw;
    const result = spec.schema.safeParse(input);
    if (result.success) {
      values[name] = result.data;
    } else {
      const shown = spec.secret ? '' : ` (got "${input}")`;
      problems.push(`${name} ${result.error.issues[0]?.message ?? 'is invalid'}${shown}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return toAppConfig(values as Parameters<typeof toAppConfig>[0]);
}

/**
 * The only reader of `process.env`. On a bad configuration it prints one line naming the variable
 * and exits with EX_CONFIG (78): a stack trace would bury the one thing the operator needs to fix.
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`relais: ${error.message}\n`);
    process.exit(78);
  }
}
