/**
 * Every `npm run ...` command written in README.md and docs/*.md names a script of package.json, and every flag it
 * passes is one the script lists in its `--help` (the scripts' flag parser is strict, so a flag missing from the help
 * text would also be refused when the command runs). Nothing long runs: only `--help`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './paths';

const run = promisify(execFile);

/** A command found in a document: the npm script, the flags it passes, where it was found. */
interface DocCommand {
  script: string;
  flags: string[];
  text: string;
  file: string;
}

/**
 * The `npm run <script> [-- flags]` and `npm test` commands in a Markdown text: each line of a fenced code block
 * (with its continuation lines: a trailing backslash, or indented lines that follow) and each inline code span.
 * A command ends at a shell comment (` #`), a redirection (` > `) or ` && `. Flags are the `--name` tokens after
 * `--`. Pure.
 */
function extractCommands(markdown: string, file: string): DocCommand[] {
  const snippets: string[] = [];
  const prose = markdown.replace(/```[^\n]*\n([\s\S]*?)```/g, (_block, body: string) => {
    const lines = body.split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (!/npm (run|test)\b/.test(lines[i])) continue;
      let text = lines[i];
      while (i + 1 < lines.length && (/\\\s*$/.test(text) || /^\s+\S/.test(lines[i + 1]))) text = text.replace(/\\\s*$/, '') + ' ' + lines[++i];
      snippets.push(text);
    }
    return '\n';
  });
  for (const match of prose.matchAll(/`([^`]+)`/g)) if (/npm (run|test)\b/.test(match[1])) snippets.push(match[1].replace(/\s+/g, ' '));

  const commands: DocCommand[] = [];
  for (const snippet of snippets) {
    for (const part of snippet.split(/(?=npm (?:run|test)\b)/)) {
      const m = /^npm (?:run (?:-s )?([\w:-]+)|(test))\b(.*)$/.exec(part.trim());
      if (!m) continue;
      const script = m[1] ?? m[2];
      const rest = m[3].split(/ #| > | && /)[0];
      const afterDashes = / -- /.test(` ${rest} `) ? rest.slice(rest.indexOf('--') + 2) : '';
      const flags = [...new Set([...afterDashes.matchAll(/(?:^|[\s[|])(--[a-z][a-z0-9-]*)/g)].map((f) => f[1]))];
      commands.push({ script, flags, text: `npm run ${script}${rest}`.trim(), file });
    }
  }
  return commands;
}

describe('extractCommands', () => {
  it('finds commands in code blocks, continuation lines and inline code, flags after --', () => {
    const md = [
      'Run `npm run report -- --data x.csv --k 3` or `npm run serve`.',
      '```bash',
      'npm ci',
      'npm run score -- --model m.json \\',
      '  --data big.csv --out s.csv    # streamed --not-a-flag',
      'npm run notebooks -- [--data PATH] [--jupyter auto|venv]',
      '  [--seed S]',
      'npm run gen-table -- --kind retail > t.csv && npm run report -- --data t.csv',
      'npm test',
      '```',
    ].join('\n');
    expect(extractCommands(md, 'x.md').map((c) => [c.script, c.flags])).toEqual([
      ['score', ['--model', '--data', '--out']],
      ['notebooks', ['--data', '--jupyter', '--seed']],
      ['gen-table', ['--kind']],
      ['report', ['--data']],
      ['test', []],
      ['report', ['--data', '--k']],
      ['serve', []],
    ]);
  });
});

const docs = ['README.md', ...(existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [])];
const commands = docs.flatMap((file) => extractCommands(readFileSync(join(ROOT, file), 'utf8'), file));
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

describe('the commands in README.md and docs/', () => {
  it('are many, from the README and from docs/', () => {
    expect(commands.filter((c) => c.file === 'README.md').length).toBeGreaterThanOrEqual(5);
    expect(commands.filter((c) => c.file.startsWith('docs/')).length).toBeGreaterThanOrEqual(10);
  });

  it('name scripts that exist in package.json', () => {
    const missing = commands.filter((c) => !(c.script in scripts)).map((c) => `${c.file}: ${c.text}`);
    expect(missing).toEqual([]);
  });

  it('pass only flags that the script lists in its --help', async () => {
    const used = new Map<string, Set<string>>();
    for (const c of commands) if (c.flags.length > 0) for (const f of c.flags) (used.get(c.script) ?? used.set(c.script, new Set()).get(c.script)!).add(f);
    const problems: string[] = [];
    await Promise.all(
      [...used.keys()].map(async (script) => {
        const file = /scripts\/[\w-]+\.ts/.exec(scripts[script] ?? '')?.[0];
        if (!file) {
          problems.push(`${script}: flags ${[...used.get(script)!].join(' ')} given, but the script is not a TypeScript entry point with --help`);
          return;
        }
        const { stdout } = await run(process.execPath, ['--require', 'tsx/cjs', join(ROOT, file), '--help'], { cwd: ROOT, timeout: 60_000 });
        for (const flag of used.get(script)!) {
          if (!new RegExp(`${flag}(?![\\w-])`).test(stdout)) {
            const where = commands.filter((c) => c.script === script && c.flags.includes(flag)).map((c) => c.file);
            problems.push(`npm run ${script} ${flag} (${[...new Set(where)].join(', ')}): not in its --help`);
          }
        }
      }),
    );
    expect(problems.sort()).toEqual([]);
  });
});
