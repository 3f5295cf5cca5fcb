import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import Handlebars from 'handlebars';
import { DomainError } from '../../core/errors/domain-error.js';
import { OutboundTemplate } from '../outbound-template.entity.js';
import { missingVariables } from './template-variables.js';

const ROOT = fileURLToPath(new URL('../../../templates/', import.meta.url));
/** How long a worker trusts its list of a company's overrides: an edit applies within this delay. */
const OVERRIDES_TTL_MS = 5_000;
const RUNTIME: Handlebars.RuntimeOptions = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

export type TemplateData = Record<string, unknown>;
type Compiled = Handlebars.TemplateDelegate<TemplateData>;

/** A template's source failed to compile: where, for a 422 the admin can act on. */
export interface TemplateProblem {
  message: string;
  line: number | null;
  column: number | null;
}

function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) for (const [k, v] of readTree(`${dir}${entry.name}/`, `${prefix}${entry.name}.`)) out.set(k, v);
    else if (entry.name.endsWith('.hbs')) out.set(`${prefix}${entry.name.slice(0, -4)}`, readFileSync(`${dir}${entry.name}`, 'utf8'));
  }
  return out;
}

/** HTML parts escape what they insert; SMS, text parts, subjects and fax text must not. */
export const isHtml = (name: string): boolean => name.endsWith('.html');

/**
 * The Handlebars templates of `templates/`: files compiled once and kept, each company's overrides
 * compiled once per version. Two environments share the partials: one escaping HTML, one not.
 * Prototype properties and methods are never reachable from a template.
 */
@Injectable()
export class TemplateRenderer {
  private readonly files = readTree(ROOT);
  private readonly html = Handlebars.create();
  private readonly plain = Handlebars.create();
  private readonly compiled = new Map<string, Compiled>();
  private readonly overrides = new Map<string, { at: number; rows: Map<string, { version: string; source: string }> }>();

  constructor(private readonly em: EntityManager) {
    for (const [name, source] of this.files) {
      if (!name.startsWith('partials.')) continue;
      this.html.registerPartial(name.slice('partials.'.length), source);
      this.plain.registerPartial(name.slice('partials.'.length), source);
    }
  }

  /** Names an admin may override (every file but the partials). */
  names(): string[] {
    return [...this.files.keys()].filter((name) => !name.startsWith('partials.')).sort();
  }

  defaultSource(name: string): string {
    const source = this.files.get(name);
    if (source === undefined || name.startsWith('partials.')) throw new DomainError('not_found', `There is no outbound template named "${name}"`, { names: this.names() });
    return source;
  }

  /** Where a source fails to compile, or null when it compiles and names only known partials. */
  check(name: string, source: string): TemplateProblem | null {
    try {
      const env = isHtml(name) ? this.html : this.plain;
      const ast = Handlebars.parse(source);
      const unknown = partialNames(ast).find((partial) => !(partial in env.partials));
      if (unknown) return { message: `Unknown partial "${unknown}"`, line: null, column: null };
      // Unknown helpers only fail when rendered ("Missing helper"), so a saved override would break
      // every later send: compiling with the helpers we have refuses them now, with their name.
      const knownHelpers = Object.fromEntries(Object.keys(env.helpers).map((helper) => [helper, true]));
      env.precompile(ast, { noEscape: !isHtml(name), knownHelpers, knownHelpersOnly: true });
      return null;
    } catch (error) {
      return describe(error);
    }
  }

  /** Renders one template for a company (its override if any) and trims it. */
  async render(companyId: string | null, name: string, data: TemplateData): Promise<string> {
    const override = companyId ? (await this.companyOverrides(companyId)).get(name) : undefined;
    const key = override ? `${companyId}:${name}:${override.version}` : name;
    let template = this.compiled.get(key);
    if (!template) {
      template = this.compile(name, override?.source ?? this.defaultSource(name));
      this.compiled.set(key, template);
    }
    return template(data, RUNTIME).trim();
  }

  /** Renders a given source (a preview), reporting the variables it uses that `data` lacks. */
  preview(name: string, source: string, data: TemplateData): { output: string; missing: string[] } {
    const problem = this.check(name, source);
    if (problem) throw new DomainError('unprocessable', `Template syntax error: ${problem.message}`, problem);
    let output: string;
    try {
      output = this.compile(name, source)(data, RUNTIME).trim();
    } catch (error) {
      // The source compiles but these data break it (a helper given the wrong kind of value).
      const failure = describe(error);
      throw new DomainError('unprocessable', `Template cannot be rendered with these data: ${failure.message}`, failure);
    }
    return { output, missing: missingVariables(Handlebars.parse(source), data) };
  }

  /** Forget a company's overrides at once (this process saved or removed one). */
  invalidate(companyId: string): void {
    this.overrides.delete(companyId);
  }

  private compile(name: string, source: string): Compiled {
    return (isHtml(name) ? this.html : this.plain).compile(source, { noEscape: !isHtml(name) });
  }

  private async companyOverrides(companyId: string): Promise<Map<string, { version: string; source: string }>> {
    const cached = this.overrides.get(companyId);
    if (cached && Date.now() - cached.at < OVERRIDES_TTL_MS) return cached.rows;
    const rows = await this.em.fork().find(OutboundTemplate, { companyId }, { fields: ['name', 'source', 'updatedAt'] });
    const map = new Map(rows.map((row) => [row.name, { version: String(row.updatedAt.getTime()), source: row.source }]));
    this.overrides.set(companyId, { at: Date.now(), rows: map });
    return map;
  }
}

function partialNames(node: unknown, out: string[] = []): string[] {
  if (!node || typeof node !== 'object') return out;
  const record = node as Record<string, unknown>;
  if ((record.type === 'PartialStatement' || record.type === 'PartialBlockStatement') && record.name) {
    const name = record.name as { original?: unknown };
    if (typeof name.original === 'string') out.push(name.original);
  }
  for (const value of Object.values(record)) {
    if (Array.isArray(value)) value.forEach((child) => partialNames(child, out));
    else if (value && typeof value === 'object' && value !== record.loc) partialNames(value, out);
  }
  return out;
}

/** Handlebars reports positions two ways: `lineNumber`/`column` (compile) or a caret under the line (parse). */
function describe(error: unknown): TemplateProblem {
  const e = error as { message?: string; lineNumber?: number; column?: number };
  const message = String(e.message ?? error);
  if (typeof e.lineNumber === 'number') return { message: message.split('\n')[0], line: e.lineNumber, column: (e.column ?? 0) + 1 };
  const parse = /^Parse error on line (\d+):\n.*\n(-*)\^\n(.*)$/s.exec(message);
  if (parse) return { message: `Parse error: ${parse[3]}`, line: Number(parse[1]), column: parse[2].length + 1 };
  return { message: message.split('\n')[0], line: null, column: null };
}
