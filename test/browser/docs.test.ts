import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { parseRouteMap } from '../../src/config/routeMap.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { launchChromium } from './support/chromium.js';
import { listenRecording, type RecordingServer } from './support/recordingServer.js';

const shipped = JSON.parse(readFileSync(fileURLToPath(new URL('../../routes.config.json', import.meta.url)), 'utf8')) as { routes: object[] };
const historyRoute = { id: 'history.instances', method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' };

let h: ProxyHarness;
let proxy: RecordingServer;
let browser: Browser;
const screenshots = mkdtempSync(join(tmpdir(), 'proxy-docs-'));

beforeAll(async () => {
  browser = await launchChromium();
  h = await startProxyHarness({}, { routeMap: parseRouteMap({ ...shipped, routes: [...shipped.routes, historyRoute] }) });
  proxy = await listenRecording(h.app);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await h?.close();
  if (!process.env.KEEP_SCREENSHOTS) rmSync(screenshots, { recursive: true, force: true });
});

describe('/docs in Chromium', () => {
  it('renders Swagger UI with every route, from this server alone and within its CSP', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requested: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });

    const answer = await page.goto(`${proxy.origin}/docs`);
    expect(answer?.status()).toBe(200);
    expect(page.url()).toBe(`${proxy.origin}/docs/`);
    await page.locator('.opblock').first().waitFor();

    const text = await page.locator('#swagger-ui').innerText();
    for (const expected of ['/api/processes', '/api/tasks/{id}/complete', '/api/user', '/health', '/api/history/instances', 'history.instances', 'tasks.get', 'Authorize']) {
      expect(text).toContain(expected);
    }
    expect(await page.locator('.opblock').count()).toBe(shipped.routes.length + 3);

    const file = join(screenshots, 'docs.png');
    await page.screenshot({ path: file, fullPage: false });
    expect(statSync(file).size).toBeGreaterThan(20_000);

    expect(problems).toEqual([]);
    expect(requested.filter((url) => !url.startsWith(`${proxy.origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(proxy.exchanges.filter((e) => e.url.startsWith('/api/'))).toEqual([]);
    expect(h.engine.requests).toEqual([]);
    await page.close();
  });
});
