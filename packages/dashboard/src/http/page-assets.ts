import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The page's files, built into `dist/ui` of this package. */
export interface PageAssets {
  html: string;
  script: string;
  style: string;
}

/** Reads the built page (from `src/` in tests as from `dist/`: both sit beside `dist/ui`). */
export function loadPageAssets(): PageAssets {
  const dir = join(__dirname, '..', '..', 'dist', 'ui');
  try {
    return {
      html: readFileSync(join(dir, 'index.html'), 'utf8'),
      script: readFileSync(join(dir, 'app.js'), 'utf8'),
      style: readFileSync(join(dir, 'app.css'), 'utf8'),
    };
  } catch (error) {
    throw new Error(`The tasks dashboard's page is missing from ${dir} (${(error as Error).message}); build @tasks/dashboard first.`, { cause: error });
  }
}

/** Fills the page's placeholders; each value is made of URL-safe characters (checked path, base64url token). */
export function renderPage(html: string, values: { base: string; csrf: string; readOnly: boolean }): string {
  return html.replaceAll('%BASE%', values.base).replaceAll('%CSRF%', values.csrf).replaceAll('%READONLY%', String(values.readOnly));
}
