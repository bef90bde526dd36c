import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';
const [url, out, ...hashes] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
await page.goto(url);
for (const h of hashes) {
  await page.evaluate((x) => { window.location.hash = x; }, h);
  await page.waitForTimeout(1500);
  const name = h.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '') || 'home';
  await page.screenshot({ path: `${out}/${name}.png`, fullPage: true });
  const cards = await page.locator('article[aria-label^="Proposal:"]').count();
  console.log(name, 'cards:', cards);
}
await browser.close();
