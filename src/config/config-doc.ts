import { VARIABLES, type VariableSpec } from './config.schema.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** The README's configuration table, rendered from the schema so the two cannot drift apart. */
export function renderConfigTable(): string {
  const rows = (Object.entries(VARIABLES) as [string, VariableSpec][]).map(([name, spec]) => {
    const fallback = spec.default === undefined ? '(required)' : spec.default === '' ? '(empty)' : `\`${spec.default}\``;
    const shown = spec.requiredInProduction ? `${fallback}; required in production` : fallback;
    return `| \`${name}\` | ${shown} | ${spec.description} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** Returns the README with its configuration section replaced by the rendered table. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${renderConfigTable()}\n${readme.slice(end)}`;
}
