// The admin playground in a real browser: Debian's Chromium, headless, driven by playwright-core. The
// page must work with nothing but this service: every request the browser makes is recorded and must
// stay on the service's own origin.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitUntil } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';

const BROWSER_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];
const executablePath = BROWSER_CANDIDATES.find((candidate) => existsSync(candidate));
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

const inBrowser = executablePath ? describe : describe.skip;

inBrowser(
  `the admin playground in headless Chromium${executablePath ? '' : ' (SKIPPED: no Chromium found; apt-get install chromium)'}`,
  () => {
    let t: TestApp;
    let browser: Browser;
    let page: Page;
    const requested: string[] = [];
    const pageErrors: string[] = [];

    beforeAll(async () => {
      t = await startTestApp('pglite');
      browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
      page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('request', (request) => requested.push(request.url()));
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    it('runs { plans { name } } with an admin token typed into the header editor', async () => {
      await page.goto(`${t.url}/graphql`);
      await page.locator('.graphiql-container').waitFor();
      // The example operations are the tabs, the first one open.
      await expectCountAtLeast(page.locator('.graphiql-tab'), 3);

      await replaceEditorText(page, '.graphiql-query-editor .CodeMirror', '{ plans { name } }');
      const token = await t.token({ sub: 'playground-admin', roles: ['admin'] });
      await replaceEditorText(
        page,
        '.graphiql-editor-tool .CodeMirror:visible',
        JSON.stringify({ Authorization: `Bearer ${token}` }),
      );
      await page.locator('.graphiql-execute-button').click();

      const result = page.locator('.graphiql-response .CodeMirror-code');
      await result.getByText('Ultra').waitFor({ timeout: 15_000 });
      const text = await result.innerText();
      for (const plan of ['Free', 'Lite', 'Pro', 'Ultra']) expect(text).toContain(plan);
      expect(text).not.toContain('errors');

      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'admin-playground.png') });
    });

    it('uses the token pasted into one tab in another tab still showing the placeholder', async () => {
      await page.locator('.graphiql-tab').nth(1).click();
      const headers = await page.locator('.graphiql-editor-tool .CodeMirror:visible').first().innerText();
      expect(headers).toContain('<an admin token');
      await replaceEditorText(page, '.graphiql-query-editor .CodeMirror:visible', '{ plans { id } }');
      // GraphiQL derives the operation name from the edited text after a debounce: run once it has.
      await page.waitForTimeout(1000);
      await page.locator('.graphiql-execute-button').click();

      const result = page.locator('.graphiql-response .CodeMirror-code');
      await result.getByText('ultra').waitFor({ timeout: 15_000 });
      expect(await result.innerText()).not.toContain('errors');
    });

    it('loaded nothing from any other origin, and raised no error', () => {
      const origin = new URL(t.url).origin;
      const elsewhere = requested.filter((url) => !url.startsWith('data:') && new URL(url).origin !== origin);
      expect(elsewhere).toEqual([]);
      expect(requested).toEqual(
        expect.arrayContaining([
          `${origin}/admin/assets/graphiql.js`,
          `${origin}/admin/assets/graphiql.css`,
          `${origin}/graphql`,
        ]),
      );
      // The only errors allowed are the 401s of GraphiQL's introspection before the token was typed in.
      expect(pageErrors.filter((message) => !message.includes('status of 401'))).toEqual([]);
    });
  },
);

/** Focuses a CodeMirror editor, selects all and types over it (inserted as text, so no auto-closed brackets). */
async function replaceEditorText(page: Page, selector: string, text: string): Promise<void> {
  await page.locator(selector).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** Polls a locator's count, as Playwright's own expectations do. */
async function expectCountAtLeast(locator: ReturnType<Page['locator']>, minimum: number): Promise<void> {
  await waitUntil(`at least ${minimum} of ${locator}`, async () => (await locator.count()) >= minimum, 10_000);
}
