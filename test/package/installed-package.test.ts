/*
 * Tributary as a user gets it: `npm pack` of this checkout (dist/ as `npm test` just built it),
 * installed into a blank project in a temp directory with npm, then used from there:
 *
 *   1 the tarball ships dist, the CLI entry, README, LICENSE and CHANGELOG, and nothing else
 *   2 plain JavaScript imports `tributary` and `tributary/testing` and runs a word count through
 *     the TopologyTestDriver
 *   3 a strict TypeScript consumer type-checks against the shipped declarations: inference flows
 *     through groupBy → count → mapValues, and a value-type mismatch at `.to()` is a compile error
 *   4 the installed `tributary` command answers --help, and its demo runs the shipped example
 *   5 the installed broker serves the web console's page and script from the package (no network)
 *
 * npm installs the dependencies from its cache where `npm ci` already put them (--prefer-offline).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../conformance/helpers/run-process.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// npm install builds zstd-napi from source where its prebuilt binary cannot be downloaded (no
// network but the registry): a minute or more on two busy cores.
const NPM_TIMEOUT_MS = 480_000;

interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

let dir = '';
let app = '';
let packed: PackResult;

async function npm(args: readonly string[], cwd: string) {
  return runProcess('npm', args, { cwd, timeoutMs: NPM_TIMEOUT_MS, env: { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' } });
}

beforeAll(async () => {
  if (!existsSync(join(REPO, 'dist/index.js')) || !existsSync(join(REPO, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) before this test');
  dir = await mkdtemp(join(tmpdir(), 'tributary-package-'));
  // --ignore-scripts: pack the dist/ that is there, without rebuilding it under the other tests.
  const pack = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], REPO);
  const [result] = JSON.parse(pack.stdout) as PackResult[];
  if (result === undefined) throw new Error(`npm pack printed no package: ${pack.stdout}`);
  packed = result;
  app = join(dir, 'blank-app');
  await runProcess('mkdir', ['-p', app]);
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'blank-app', private: true, type: 'module' }, null, 2));
  await npm(['install', '--prefer-offline', '--no-package-lock', join(dir, packed.filename)], app);
}, NPM_TIMEOUT_MS + 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships dist, the CLI entry, README, LICENSE and CHANGELOG, and nothing else', () => {
    const paths = packed.files.map((f) => f.path);
    for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/tributary.js', 'dist/index.js', 'dist/index.d.ts', 'dist/testing/index.js', 'dist/testing/index.d.ts', 'dist/cli/main.js']) {
      expect(paths).toContain(required);
    }
    for (const required of ['dist/console-ui/index.html', 'dist/console-ui/app.js', 'dist/console-ui/app.css']) expect(paths).toContain(required);
    const stray = paths.filter((p) => !/^(dist\/.+\.(js|d\.ts|js\.map)|dist\/console-ui\/(index\.html|app\.css)|bin\/tributary\.js|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(p));
    expect(stray).toEqual([]);
  });

  it('runs a pipeline through the TopologyTestDriver from plain JavaScript', async () => {
    await writeFile(
      join(app, 'word-count.mjs'),
      `import { Consumed, Grouped, Materialized, Produced, Serdes, StreamsBuilder } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';
const builder = new StreamsBuilder();
builder.stream('lines', Consumed.with(Serdes.string(), Serdes.string()))
  .flatMapValues((line) => line.split(' '))
  .groupBy((_k, word) => word, Grouped.with(Serdes.string(), Serdes.string()))
  .count(Materialized.as('counts'))
  .toStream()
  .to('counts-out', Produced.with(Serdes.string(), Serdes.int64()));
const driver = await TopologyTestDriver.create(builder.build(), { applicationId: 'blank-app', cacheMaxBytes: 0 });
driver.createInputTopic('lines', Serdes.string(), Serdes.string()).pipeValueList(['a b', 'b c b']);
const out = driver.createOutputTopic('counts-out', Serdes.string(), Serdes.int64()).readKeyValuesToMap();
console.log(JSON.stringify(Object.fromEntries(out)));
await driver.close();
`,
    );
    const run = await runProcess(process.execPath, ['word-count.mjs'], { cwd: app });
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ a: 1, b: 3, c: 1 });
  });

  it('type-checks a strict TypeScript consumer: inference survives packaging, a wrong value type at to() does not compile', async () => {
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [join(REPO, 'node_modules/@types')],
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );
    await writeFile(
      join(app, 'app.ts'),
      `import { Consumed, Grouped, Produced, Serdes, StreamsBuilder, type KTable } from 'tributary';
import { TopologyTestDriver } from 'tributary/testing';

const builder = new StreamsBuilder();
const counts = builder
  .stream('clicks', Consumed.with(Serdes.string(), Serdes.string()))
  .groupBy((_user, page) => page, Grouped.with(Serdes.string(), Serdes.string()))
  .count()
  .mapValues((n) => ({ page: 'x', clicks: n }));
// Inference: the table's value is { page: string; clicks: number }, not any.
const typed: KTable<string, { page: string; clicks: number }> = counts;
// @ts-expect-error the inferred value type is an object, not a string
const notString: KTable<string, string> = counts;
typed.toStream().mapValues((v) => v.clicks * 2).to('doubled', Produced.with(Serdes.string(), Serdes.int64()));
// @ts-expect-error the value is an object, the value serde writes numbers
typed.toStream().to('wrong', Produced.with(Serdes.string(), Serdes.int64()));
void notString;
void TopologyTestDriver;
`,
    );
    const tsc = await runProcess(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, allowFailure: true });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);

    // Without the expectations the file must fail at exactly those two lines: the checks can fail.
    const source = (await readFile(join(app, 'app.ts'), 'utf8')).split('\n');
    const kept: string[] = [];
    const expected: number[] = [];
    let expectError = false;
    for (const line of source) {
      if (line.startsWith('// @ts-expect-error')) {
        expectError = true;
        continue;
      }
      kept.push(line);
      if (expectError) expected.push(kept.length);
      expectError = false;
    }
    await writeFile(join(app, 'app.ts'), kept.join('\n'));
    const broken = await runProcess(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, allowFailure: true });
    expect(broken.code).not.toBe(0);
    const failedLines = [...new Set([...broken.stdout.matchAll(/app\.ts\((\d+),/g)].map((m) => Number(m[1])))];
    expect(failedLines).toEqual(expected);
  });

  it('installs the tributary command: --help answers, and the demo runs the shipped example', async () => {
    const bin = join(app, 'node_modules/.bin/tributary');
    const help = await runProcess(bin, ['--help'], { cwd: app });
    expect(help.stdout).toMatch(/Usage: tributary/);
    for (const command of ['broker', 'demo', 'topics', 'produce', 'consume', 'groups']) expect(help.stdout).toContain(command);

    const demo = await runProcess(bin, ['demo', '--duration', '4', '--interval', '20', '--dir', join(dir, 'demo')], { cwd: app, timeoutMs: 60_000 });
    expect(demo.stdout).toContain('Tributary demo');
    expect(demo.stdout).toMatch(/web console: http:\/\/127\.0\.0\.1:\d+\//);
    expect(demo.stdout).toMatch(/processed [1-9]\d* records; demo stopped cleanly/);
  }, 90_000);

  it('serves the web console from the installed package', async () => {
    const child = spawn(join(app, 'node_modules/.bin/tributary'), ['broker', '--port', '0', '--console-port', '0', '--data-dir', join(dir, 'console-broker')], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Web console: (http:\S+)/.exec(out);
          if (m !== null) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`broker exited (${code}) before printing the console URL:\n${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Tributary console</title>');
      const script = await fetch(new URL('app.js', url));
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(new URL('api/topics', url))).status).toBe(200);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
