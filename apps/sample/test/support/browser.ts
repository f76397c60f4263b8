import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install -y chromium`); `CHROMIUM_PATH` overrides it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What a page reported that a safe page never does: CSP violations, dialogs (an injected `alert`), script errors. */
export interface PageProblems {
  violations: string[];
  dialogs: string[];
  errors: string[];
}

/**
 * Opens a page that records CSP violations (from the `securitypolicyviolation`
 * event, set up before any script of the page runs), dialogs and uncaught errors,
 * and whose requests may only go to `origin`.
 */
export async function openPage(context: BrowserContext, origin: string): Promise<{ page: Page; problems: PageProblems; offsite: string[] }> {
  const page = await context.newPage();
  const problems: PageProblems = { violations: [], dialogs: [], errors: [] };
  const offsite: string[] = [];
  await page.exposeBinding('reportViolation', (_source, text: string) => void problems.violations.push(text));
  // Runs in the page (as source text: this file is compiled for Node).
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) => {
    window.reportViolation(event.violatedDirective + ' blocked ' + event.blockedURI + ' (' + event.sourceFile + ':' + event.lineNumber + ')');
  });`);
  page.on('dialog', (dialog) => {
    problems.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy/i.test(message.text())) problems.violations.push(message.text());
  });
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) offsite.push(request.url());
  });
  return { page, problems, offsite };
}
