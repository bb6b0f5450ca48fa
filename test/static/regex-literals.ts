// Finds every regular expression written in the source: regex literals and `new RegExp('...')` /
// `RegExp('...')` with a literal pattern, with file and line, for the ReDoS check.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RegexLiteral {
  file: string;
  line: number;
  source: string;
  flags: string;
}

function walkFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

export function regexLiterals(root: string, dirs: string[]): RegexLiteral[] {
  const found: RegexLiteral[] = [];
  for (const dir of dirs) {
    for (const file of walkFiles(path.join(root, dir))) {
      const text = readFileSync(file, 'utf8');
      const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const rel = path.relative(root, file);
      const at = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
      const visit = (n: ts.Node): void => {
        if (ts.isRegularExpressionLiteral(n)) {
          const t = n.text;
          const end = t.lastIndexOf('/');
          found.push({ file: rel, line: at(n), source: t.slice(1, end), flags: t.slice(end + 1) });
        } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
          const [p, f] = n.arguments ?? [];
          if (p && (ts.isStringLiteral(p) || ts.isNoSubstitutionTemplateLiteral(p))) {
            found.push({ file: rel, line: at(n), source: p.text, flags: f && ts.isStringLiteral(f) ? f.text : '' });
          }
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
  }
  return found;
}
