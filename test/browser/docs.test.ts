import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { parseRouteMap } from '../../src/routes/routeMap.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { launchChromium } from './support/chromium.js';
import { listenRecording, type RecordingServer } from './support/recordingServer.js';

const shipped = JSON.parse(readFileSync(fileURLToPath(new URL('../../routes.config.json', import.meta.url)), 'utf8')) as { routes: object[] };
const historyRoute = { id: 'history.instances', method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' };
// A name that is not localhost: browsers trust plain HTTP on localhost only, and treat it differently.
const otherHost = 'camunda-proxy.example.test';

let h: ProxyHarness;
let proxy: RecordingServer;
let browser: Browser;
const screenshots = mkdtempSync(join(tmpdir(), 'proxy-docs-'));

beforeAll(async () => {
  browser = await launchChromium([`--host-resolver-rules=MAP ${otherHost} 127.0.0.1`]);
  h = await startProxyHarness({}, { routeMap: parseRouteMap({ ...shipped, routes: [...shipped.routes, historyRoute] }) });
  proxy = await listenRecording(h.app);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await proxy?.stop();
  await h?.close();
  if (!process.env.KEEP_SCREENSHOTS) rmSync(screenshots, { recursive: true, force: true });
});

interface DocsVisit {
  page: Page;
  requested: string[];
  failed: string[];
  consoleErrors: string[];
}

/** Every operation the served document describes is one block on the page. */
async function operationCount(origin: string): Promise<number> {
  const document = (await (await fetch(`${origin}/openapi.json`)).json()) as { paths: Record<string, object> };
  const count = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
  expect(count).toBeGreaterThan(shipped.routes.length);
  return count;
}

async function openDocs(origin: string): Promise<DocsVisit> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
  // Below jest's own timeout, so a stuck page fails with Playwright's message.
  page.setDefaultTimeout(10_000);
  const visit: DocsVisit = { page, requested: [], failed: [], consoleErrors: [] };
  page.on('request', (request) => visit.requested.push(request.url()));
  page.on('requestfailed', (request) => visit.failed.push(`${request.url()} ${request.failure()?.errorText}`));
  page.on('console', (message) => {
    if (message.type() === 'error') visit.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => visit.consoleErrors.push(error.message));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
  });
  const answer = await page.goto(`${origin}/docs`);
  expect(answer?.status()).toBe(200);
  expect(page.url()).toBe(`${origin}/docs/`);
  await page.locator('.opblock').first().waitFor();
  return visit;
}

describe('/docs in Chromium', () => {
  it('renders Swagger UI with every route, from this server alone and within its CSP', async () => {
    const { page, requested, failed, consoleErrors } = await openDocs(proxy.origin);

    const text = await page.locator('#swagger-ui').innerText();
    for (const expected of ['/api/processes', '/api/tasks/{id}/complete', '/api/user', '/health', '/api/history/instances', 'history.instances', 'tasks.get', 'Authorize']) {
      expect(text).toContain(expected);
    }
    expect(await page.locator('.opblock').count()).toBe(await operationCount(proxy.origin));

    const file = join(screenshots, 'docs.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(20_000);

    expect({ failed, consoleErrors }).toEqual({ failed: [], consoleErrors: [] });
    expect(requested.filter((url) => !url.startsWith(`${proxy.origin}/`) && !url.startsWith('data:'))).toEqual([]);
    expect(proxy.exchanges.filter((e) => e.url.startsWith('/api/'))).toEqual([]);
    expect(h.engine.requests).toEqual([]);
    await page.close();
  });

  it('renders over plain HTTP on a host name other than localhost too (no upgrade to HTTPS)', async () => {
    const origin = `http://${otherHost}:${new URL(proxy.origin).port}`;
    const { page, requested, failed, consoleErrors } = await openDocs(origin);
    expect(await page.locator('.opblock').count()).toBe(await operationCount(proxy.origin));
    expect(failed).toEqual([]);
    expect(consoleErrors.filter((message) => message.includes('CSP'))).toEqual([]);
    expect(requested.filter((url) => url.startsWith('https:'))).toEqual([]);
    await page.close();
  });
});
