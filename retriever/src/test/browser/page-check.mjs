// Drives the retriever's page in the system Chromium (no browser download) and prints what a
// user sees as JSON: the served version, the result grid of a text query, the names found for
// an uploaded image. Usage: node page-check.mjs URL QUERY IMAGE_FILE SCREENSHOT_FILE USER_DATA_DIR
import { chromium } from 'playwright-core';

const [url, query, imageFile, screenshot, userDataDir] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--no-first-run', '--disable-sync'],
  viewport: { width: 1100, height: 900 },
});
try {
  const page = context.pages()[0] || await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => /^\d+$/.test(document.getElementById('served-version').textContent));
  const servedVersion = await page.textContent('#served-version');

  await page.fill('#query', query);
  await page.click('#text-form button[type=submit]');
  await page.waitForSelector('#results .card');
  await page.waitForFunction(() => [...document.querySelectorAll('#results .card img')]
    .every((img) => img.complete && img.naturalWidth > 0));
  const cards = await page.$$eval('#results .card', (nodes) => nodes.map((n) => ({
    id: n.dataset.id,
    name: n.querySelector('.name').textContent,
    score: n.querySelector('.score').textContent,
    imageWidth: n.querySelector('img') ? n.querySelector('img').naturalWidth : 0,
  })));
  const textMeta = await page.textContent('#text-meta');

  await page.setInputFiles('#upload', imageFile);
  await page.waitForSelector('#names li');
  const names = await page.$$eval('#names li', (nodes) => nodes.map((n) => ({
    id: n.dataset.id, name: n.querySelector('.name').textContent })));

  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(JSON.stringify({ servedVersion, cards, textMeta, names, consoleErrors }));
} finally {
  await context.close();
}
