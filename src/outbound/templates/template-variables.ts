const BLOCK_HELPERS_KEEPING_CONTEXT = new Set(['if', 'unless']);
const HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

type Node = hbs.AST.Node & Record<string, unknown>;

/**
 * Whether `data` knows the path. A null on the way is known and empty (`reply: null`, a first copy
 * that answers nothing): the template's `{{#if reply}}` branch reads nothing then, so nothing in it is
 * missing. A path that leaves the data, or ends undefined, is missing.
 */
function has(data: unknown, parts: string[]): boolean {
  let value: unknown = data;
  for (const part of parts) {
    if (value === null) return true;
    if (typeof value !== 'object' || !Object.hasOwn(value, part)) return false;
    value = (value as Record<string, unknown>)[part];
  }
  return value !== undefined;
}

/**
 * Variables a template reads from the root of its data that `data` lacks (`message.subject`…),
 * for previews. Paths inside `#each`/`#with` blocks read another context and are not checked;
 * `@data` variables and `this` are not variables of the data.
 */
export function missingVariables(ast: hbs.AST.Program, data: unknown): string[] {
  const missing = new Set<string>();
  const visitPath = (path: Node) => {
    if (path.type !== 'PathExpression') return;
    const p = path as unknown as hbs.AST.PathExpression;
    if (p.data || p.depth > 0 || p.parts.length === 0 || p.original.startsWith('this')) return;
    if (!has(data, p.parts)) missing.add(p.parts.join('.'));
  };
  const visit = (node: Node | undefined): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'Program') return (node as unknown as hbs.AST.Program).body.forEach((n) => visit(n as Node));
    if (node.type === 'MustacheStatement' || node.type === 'SubExpression') {
      const m = node as unknown as hbs.AST.MustacheStatement;
      const helper = m.path.type === 'PathExpression' ? (m.path as hbs.AST.PathExpression).original : '';
      if (m.params.length === 0 && !HELPERS.has(helper)) visitPath(m.path as unknown as Node);
      m.params.forEach((param) => (param.type === 'SubExpression' ? visit(param as unknown as Node) : visitPath(param as unknown as Node)));
      return;
    }
    if (node.type === 'BlockStatement') {
      const b = node as unknown as hbs.AST.BlockStatement;
      const helper = (b.path).original;
      b.params.forEach((param) => visitPath(param as unknown as Node));
      if (BLOCK_HELPERS_KEEPING_CONTEXT.has(helper)) {
        visit(b.program as unknown as Node);
        visit(b.inverse as unknown as Node);
      } else visit(b.inverse as unknown as Node);
    }
  };
  visit(ast as unknown as Node);
  return [...missing].sort();
}
