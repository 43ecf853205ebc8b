// Screenshot a page built by frontline: node screenshot.mjs PAGE.html OUT.png [WIDTHxHEIGHT]
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [page_, out, size = '1200x800'] = process.argv.slice(2);
if (!page_ || !out) {
  console.error('usage: node screenshot.mjs PAGE.html OUT.png [WIDTHxHEIGHT]');
  process.exit(2);
}
const [width, height] = size.split('x').map(Number);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
});
try {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(pathToFileURL(page_).href);
  await page.waitForSelector('html[data-ready="1"]', { timeout: 15000 }).catch(() => {});
  await page.waitForTimeout(300);
  await page.screenshot({ path: out });
} finally {
  await browser.close();
}
