// The web console in a real browser (Debian's chromium driven by playwright-core) against a
// live broker with a running application: every page renders, topics and groups show the
// broker's numbers, the application's topology is drawn, the message browser shows a produced
// record. Screenshots go to test-results/console/ (an artifact, not committed).
//
// Needs /usr/bin/chromium (CI installs it: .ci/run); skipped with a message when it is absent.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CONSOLE_UI_DIR, packageRoot } from '../../src/console/console-assets.ts';
import { APP_ID, RECORDS, startConsoleFixture, type ConsoleFixture } from './console-fixture.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`console browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const root = packageRoot()!;
const SHOTS = join(root, 'test-results', 'console');

describe.skipIf(!haveChromium)('web console in chromium', () => {
  let fx: ConsoleFixture;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // `npm test` builds first; a targeted run may not have: bundle the page when it is missing.
    if (!existsSync(join(root, CONSOLE_UI_DIR, 'app.js'))) execFileSync(process.execPath, [join(root, 'bin', 'bundle-console.js')]);
    mkdirSync(SHOTS, { recursive: true });
    const { chromium } = await import('playwright-core');
    [fx, browser] = await Promise.all([startConsoleFixture(), chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] })]);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(15_000);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await fx?.close();
  });

  it('topics page: each topic with its partitions and record count, and the produce-rate chart', async () => {
    await page.goto(fx.url);
    const row = page.locator('tr[data-topic="orders"]');
    await expect.poll(() => row.locator('[data-field="records"]').textContent()).toBe(String(RECORDS));
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
    // The chart draws once the console has two samples of the topic (every 2 s).
    await page.locator('[data-chart="topic-in:"] .uplot').waitFor();
    await page.screenshot({ path: join(SHOTS, 'topics.png'), fullPage: true });
  });

  it('message browser: the produced JSON record, decoded, at offset 0 of partition 0', async () => {
    await page.goto(`${fx.url}#/topics/orders`);
    const first = page.locator('table.messages tr[data-offset="0"]');
    await first.waitFor();
    expect(await first.locator('pre.bytes').first().textContent()).toBe('customer-json');
    expect(JSON.parse((await first.locator('pre.bytes.json').textContent())!)).toEqual({ id: 'order-json', amount: 42 });
    // Hex shows the same bytes.
    await page.locator('label', { hasText: 'Show as' }).locator('select').selectOption('hex');
    expect(await first.locator('pre.bytes').first().textContent()).toBe(`000000  ${Buffer.from('customer-json').toString('hex').match(/../g)!.join(' ')}`);
    await page.screenshot({ path: join(SHOTS, 'messages.png'), fullPage: true });
  });

  it('groups page: the application group, Stable, with lag 0 on both partitions', async () => {
    await page.goto(`${fx.url}#/groups`);
    const group = page.locator(`section[data-group="${APP_ID}"]`);
    await group.waitFor();
    await expect.poll(() => group.locator('.state').textContent()).toBe('Stable');
    expect(await group.locator('[data-field="lag"]').allTextContents()).toEqual(['0', '0']);
    expect(await group.locator('table.members td').nth(3).textContent()).toBe('orders: 0, 1');
    await page.screenshot({ path: join(SHOTS, 'groups.png'), fullPage: true });
  });

  it('applications page: the topology drawn, with its topics, store and task placement', async () => {
    await page.goto(`${fx.url}#/apps`);
    const app = page.locator(`section[data-app="${APP_ID}"]`);
    await app.locator('svg.topology-svg').waitFor();
    for (const [kind, label] of [['topic', 'orders'], ['store', 'order-counts'], ['topic', 'order-counts-out'], ['source', 'KSTREAM-SOURCE-0000000000']] as const) {
      expect(await app.locator(`g.node[data-kind="${kind}"][data-label="${label}"]`).count(), `${kind} ${label}`).toBe(1);
    }
    expect(await app.locator('polyline.edge').count()).toBeGreaterThanOrEqual(5);
    expect(await app.locator('[data-field="active-tasks"]').textContent()).toBe('0_0, 0_1');
    await page.screenshot({ path: join(SHOTS, 'apps.png'), fullPage: true });
  });
});
