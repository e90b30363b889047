import type { Browser, Page, Response } from 'playwright-core';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';
import { launchChromium } from './support/chromium.js';
import { bundleClient } from './support/clientBundle.js';
import { processesPage } from './support/processesPage.js';
import { listenRecording, type RecordingServer } from './support/recordingServer.js';
import { startStaticSite, type StaticSite } from './support/staticSite.js';

// The page's origin (localhost:A) is allowed; the same page from localhost:B is not.
let allowedSite: StaticSite;
let otherSite: StaticSite;
let h: ProxyHarness;
let proxy: RecordingServer;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
  const bundle = await bundleClient();
  allowedSite = await startStaticSite(processesPage(bundle));
  otherSite = await startStaticSite(processesPage(bundle));
  h = await startProxyHarness({ CORS_ORIGINS: allowedSite.origin });
  proxy = await listenRecording(h.app);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([proxy?.stop(), allowedSite?.stop(), otherSite?.stop()]);
  await h?.close();
});

beforeEach(() => {
  h.engine.reset();
  proxy.exchanges.length = 0;
});

interface Visit {
  page: Page;
  dialogs: string[];
  /** What the page got from the proxy, as the browser saw it. */
  answers: Response[];
  /** Waits for the page to reach `state` (listed, started, error), showing the page's error if it failed instead. */
  settled(state: string): Promise<void>;
  outcome(): Promise<Record<string, unknown>>;
}

async function visit(site: StaticSite, token: string): Promise<Visit> {
  const page = await browser.newPage();
  // Below jest's own timeout, so a stuck page fails with Playwright's message.
  page.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  const answers: Response[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(`${proxy.origin}/`)) answers.push(response);
  });
  await page.addInitScript((config) => Object.assign(window, { camundaProxy: config }), { baseUrl: proxy.origin, token });
  await page.goto(`${site.origin}/`);
  return {
    page,
    dialogs,
    answers,
    settled: async (state) => {
      await page.waitForFunction((expected) => document.body.dataset.state === expected || document.body.dataset.state === 'error', state);
      expect({ state: await page.evaluate(() => document.body.dataset.state), error: await page.textContent('#error') }).toEqual({ state, error: state === 'error' ? expect.any(String) : '' });
    },
    outcome: () => page.evaluate(() => (window as unknown as { outcome: Record<string, unknown> }).outcome),
  };
}

const preflightsFor = (path: string) => proxy.exchanges.filter((e) => e.method === 'OPTIONS' && e.url === path);

describe('the client in Chromium, from another origin', () => {
  it('lists the processes and starts one from an allowed origin, after CORS preflights', async () => {
    const page = await visit(allowedSite, h.tokenFor(testUsers.alice));
    await page.settled('listed');
    expect(await page.page.locator('#processes button').allTextContents()).toEqual(['Start Order', 'Start Leave request']);

    await page.page.click('button[data-key="order"]');
    await page.settled('started');
    const instance = await page.outcome();
    expect(await page.page.textContent('#started')).toBe(instance.id);

    const [preflight] = preflightsFor('/api/processes/order/start');
    expect(preflight?.requestHeaders).toMatchObject({ origin: allowedSite.origin, 'access-control-request-method': 'POST' });
    expect(String(preflight?.requestHeaders['access-control-request-headers']).split(',').sort()).toEqual(['authorization', 'content-type']);
    expect(preflight?.status).toBe(204);
    expect(preflight?.responseHeaders['access-control-allow-origin']).toBe(allowedSite.origin);

    const start = proxy.exchanges.find((e) => e.method === 'POST');
    expect(start).toMatchObject({ url: '/api/processes/order/start', status: 201 });
    const engineStart = h.engine.requests.find((r) => r.method === 'POST');
    expect(engineStart?.url).toBe('/engine-rest/process-definition/key/order/start');
    expect(engineStart?.json).toMatchObject({
      businessKey: 'browser-order-1',
      variables: { amount: { value: 1000, type: 'Integer' }, customer: { value: 'ACME', type: 'String' }, initiator: { value: testUsers.alice.id } },
    });
    await page.page.close();
  });

  it('is blocked from a disallowed origin: the fetch fails in the page and the engine sees nothing', async () => {
    const page = await visit(otherSite, h.tokenFor(testUsers.alice));
    await page.settled('error');
    expect(await page.outcome()).toMatchObject({
      isCamundaProxyError: true,
      status: 0,
      envelope: { error: 'network_error' },
      cause: { name: 'TypeError', message: 'Failed to fetch' },
    });
    expect(proxy.exchanges.map((e) => `${e.method} ${e.url}`)).toEqual(['OPTIONS /api/processes']);
    expect(proxy.exchanges[0]!.responseHeaders['access-control-allow-origin']).toBeUndefined();
    expect(h.engine.requests).toEqual([]);
    await page.page.close();
  });

  it('gets the typed 401 for an expired token, and no login prompt', async () => {
    const page = await visit(allowedSite, h.tokenFor(testUsers.alice, { expiresInSeconds: -60 }));
    await page.settled('error');
    expect(await page.outcome()).toMatchObject({
      isCamundaProxyError: true,
      name: 'CamundaProxyError',
      status: 401,
      envelope: { error: 'unauthenticated', detail: expect.stringMatching(/token expired/) },
    });
    const response = page.answers.find((answer) => answer.request().method() === 'GET');
    expect(response?.url()).toBe(`${proxy.origin}/api/processes`);
    expect(response?.status()).toBe(401);
    expect(Object.keys((await response?.allHeaders()) ?? {})).not.toContain('www-authenticate');
    expect(proxy.exchanges.every((e) => e.responseHeaders['www-authenticate'] === undefined)).toBe(true);
    expect(page.dialogs).toEqual([]);
    expect(h.engine.requests).toEqual([]);
    await page.page.close();
  });
});
