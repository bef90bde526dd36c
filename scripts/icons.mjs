#!/usr/bin/env node
// `npm run icons`: renders build/icon.svg (the one icon source) to the PNGs electron-builder packs:
// build/icons/<n>x<n>.png for Linux (and the window icon), build/icon.png (1024 px) from which it
// makes the macOS .icns and the Windows .ico. Rasterised by the system Chromium through
// Playwright, so no image library is needed. The PNGs are committed; run this after editing the SVG.
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const buildDir = join(root, 'build');
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];

const executablePath = findChromium();
if (!executablePath) {
  console.error('icons: no Chromium found (install chromium, or set CHROMIUM_PATH).');
  process.exit(1);
}

const svg = readFileSync(join(buildDir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  const targets = [...LINUX_SIZES.map((n) => ({ size: n, file: join(buildDir, 'icons', `${n}x${n}.png`) })), { size: 1024, file: join(buildDir, 'icon.png') }];
  mkdirSync(join(buildDir, 'icons'), { recursive: true });
  for (const { size, file } of targets) {
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">` +
        svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `) +
        `</body></html>`,
    );
    await page.screenshot({ path: file, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`${relative(root, file)}  ${size}x${size}  ${statSync(file).size} bytes`);
  }
} finally {
  await browser.close();
}
