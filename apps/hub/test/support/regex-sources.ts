import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import ts from "typescript";

/** One regular expression written in the source: a literal, or `RegExp(…)`/`new RegExp(…)`. */
export interface FoundRegex {
  /** `path:line` from the repository root. */
  where: string;
  /** The pattern, or undefined when it is built at run time (it cannot be checked, so it is refused). */
  source?: string;
  flags: string;
}

/** Every .ts/.tsx file under `dir` but tests (they never see a request). */
function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

function literalText(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/**
 * Walks the TypeScript syntax tree of every source file under `dirs`, so a regular expression
 * added tomorrow is found without anyone listing it.
 */
export function regexesIn(root: string, dirs: readonly string[]): FoundRegex[] {
  const found: FoundRegex[] = [];
  for (const dir of dirs) {
    for (const file of sourceFiles(join(root, dir))) {
      const text = readFileSync(file, "utf8");
      const kind = file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, kind);
      const where = (node: ts.Node) =>
        `${relative(root, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
      const visit = (node: ts.Node): void => {
        if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
          const literal = node.getText(sf);
          const end = literal.lastIndexOf("/");
          found.push({ where: where(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
        } else if (
          (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
          ts.isIdentifier(node.expression) &&
          node.expression.text === "RegExp"
        ) {
          const [pattern, flags] = node.arguments ?? [];
          found.push({ where: where(node), source: literalText(pattern), flags: literalText(flags) ?? "" });
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
  }
  return found;
}
