// The dashboard in a real browser: live numbers, the toggle, and updates while the loop is frozen.
// Env: ADMIN_URL, DATA_URL, SCREENSHOT. Run by tests/e2e/dashboard.sh.
'use strict';
const { chromium } = require('playwright-core');

const admin = process.env.ADMIN_URL;
const data = process.env.DATA_URL;
const fail = (message) => { throw new Error(message); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function main() {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`${admin}/`);
    await page.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10000 });

    // Live: the sample clock moves.
    const first = await page.textContent('#updated');
    await page.waitForFunction((before) => document.getElementById('updated').textContent !== before, first, { timeout: 5000 });
    console.log('live numbers change: ok');

    // The toggle flips the server's mode.
    await page.waitForSelector('#toggle:not([disabled])');
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('mode').textContent.startsWith('inline'), null, { timeout: 5000 });
    const mode = await (await fetch(`${admin}/mode`)).json();
    if (mode.mode !== 'inline') fail(`server mode is ${mode.mode} after the click`);
    console.log('toggle sets the server to inline: ok');

    // Freeze the data loop with one slow inline hash; the page must keep updating meanwhile.
    const frozen = fetch(`${data}/rank/alice`);
    await sleep(400);
    const during = await page.textContent('#updated');
    await sleep(700);
    const later = await page.textContent('#updated');
    if (during === later) fail('the dashboard stopped updating while the loop was frozen');
    const lagMax = Number(await page.textContent('#lag-max'));
    if (!(lagMax >= 300)) fail(`lag max shows ${lagMax} ms during a freeze of over 1 s`);
    console.log(`keeps updating while the loop is frozen (lag max ${lagMax} ms): ok`);
    await frozen;
    await page.waitForFunction(() => document.getElementById('stalls').textContent.includes('/rank'), null, { timeout: 5000 });
    console.log('the stall is listed and named /rank: ok');

    await sleep(1500); // a little history after the stall, for the picture
    await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
    console.log(`screenshot: ${process.env.SCREENSHOT}`);

    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('mode').textContent.startsWith('offload'), null, { timeout: 5000 });
    if ((await (await fetch(`${admin}/mode`)).json()).mode !== 'offload') fail('toggle back to offload failed');
    console.log('toggle back to offload: ok');
  } finally {
    await browser.close();
  }
}

main().catch((error) => { console.error(`FAIL: ${error.message}`); process.exit(1); });
