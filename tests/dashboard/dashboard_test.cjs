// The dashboard in a real browser: live numbers, the toggle, updates while the loop is frozen, the
// browser's own /healthz latency, the stalls' flame graph, and the recent past in a page opened late;
// with RANKING_ADMIN_TOKEN set (the server's token), the token form first. Also the admin plane's
// defences against hostile pages: its answers' headers, and a page that cannot be framed.
// Env: ADMIN_URL, DATA_URL, RANKING_ADMIN_TOKEN (optional), SCREENSHOT (optional).
// Run by tests/e2e/dashboard.sh.
'use strict';
const http = require('http');
const { chromium } = require('playwright-core');

const admin = process.env.ADMIN_URL;
const data = process.env.DATA_URL;
const token = process.env.RANKING_ADMIN_TOKEN || '';
const auth = token ? { Authorization: `Bearer ${token}` } : {};
const fail = (message) => { throw new Error(message); };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const serverMode = async () => (await (await fetch(`${admin}/mode`, { headers: auth })).json()).mode;
const setMode = (next) => fetch(`${admin}/mode`, { method: 'PUT', body: next, headers: auth });
// The defence checks do not depend on each other: all are run, and every miss is listed.
const misses = [];
const expect = (ok, what) => {
  console.log(`${what}: ${ok ? 'ok' : 'MISSING'}`);
  if (!ok) misses.push(what);
};

// Status of one request through node's http module, which, unlike fetch, can set Host.
function request(url, options, body) {
  return new Promise((resolve, reject) => {
    const sent = http.request(url, options, (answer) => {
      answer.resume();
      resolve(answer.statusCode);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

// From node: what every admin answer must carry, and who may ask for what.
async function checkAdminPlane() {
  const page = await fetch(`${admin}/`);
  const csp = page.headers.get('content-security-policy') ?? '';
  expect(page.status === 200, `GET / without a token answers 200 (${page.status})`);
  expect(page.headers.get('x-frame-options') === 'DENY',
    `GET / has X-Frame-Options DENY (${page.headers.get('x-frame-options')})`);
  expect(csp.includes("frame-ancestors 'none'") && csp.includes("default-src 'self'"),
    `GET / has a CSP with default-src 'self' and frame-ancestors 'none' ("${csp}")`);

  const before = await serverMode();
  const other = before === 'inline' ? 'offload' : 'inline';
  const foreign = await request(`${admin}/mode`, { method: 'PUT', headers: { ...auth, Origin: 'http://attacker.example' } }, other);
  const after = await serverMode();
  if (after !== before) await setMode(before); // put it back for the browser's part
  expect(foreign === 403 && after === before, `PUT /mode from a foreign Origin is refused with 403 (${foreign}, mode ${after})`);
  const host = `attacker.example:${new URL(admin).port}`;
  const rebound = await request(`${admin}/mode`, { headers: { ...auth, Host: host } });
  expect(rebound === 421, `GET /mode with Host ${host} is refused with 421 (${rebound})`);

  if (!token) return;
  for (const file of ['/dashboard.js', '/dashboard.css', '/chart.min.js']) {
    const answer = await fetch(`${admin}${file}`);
    expect(answer.status === 200, `GET ${file} without a token answers 200 (${answer.status})`);
  }
  const bare = await fetch(`${admin}/events`);
  const challenge = bare.headers.get('www-authenticate') ?? '';
  expect(bare.status === 401 && /^Bearer\b/i.test(challenge),
    `GET /events without a token answers 401 with WWW-Authenticate: Bearer (${bare.status}, "${challenge}")`);
  const inUrl = await fetch(`${admin}/events?token=${encodeURIComponent(token)}`);
  await inUrl.body?.cancel();
  expect(inUrl.status === 401, `GET /events?token=TOKEN answers 401: a token in the URL does not count (${inUrl.status})`);
  const wrong = await fetch(`${admin}/mode`, { headers: { Authorization: `Bearer x${token}` } });
  expect(wrong.status === 403, `a wrong token answers 403 (${wrong.status})`);
  const lowerCase = await fetch(`${admin}/mode`, { headers: { Authorization: `bearer ${token}` } });
  expect(lowerCase.status === 200, `'bearer' in lower case is accepted (${lowerCase.status})`);
}

// A hostile page on another origin frames the dashboard: the frame must not hold it. Without
// X-Frame-Options DENY or frame-ancestors 'none' it would: the same origin's page at the admin URL.
async function checkNotFramable(browser) {
  const hostile = http.createServer((_, answer) => {
    answer.writeHead(200, { 'Content-Type': 'text/html' });
    answer.end(`<!doctype html><title>hostile</title><iframe src="${admin}/"></iframe>`);
  });
  await new Promise((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  const page = await browser.newPage();
  try {
    const refusals = [];
    page.on('console', (message) => { if (/frame/i.test(message.text())) refusals.push(message.text()); });
    await page.goto(`http://127.0.0.1:${hostile.address().port}/`, { waitUntil: 'load' }); // the frame's load too
    const frame = page.frames().find((f) => f.parentFrame() === page.mainFrame()) ?? fail('no frame in the hostile page');
    const framed = await frame.evaluate(() => document.getElementById('toggle') !== null).catch(() => false);
    expect(!framed && !frame.url().startsWith(admin), `a foreign page cannot frame the dashboard (frame at ${frame.url()})`);
    if (refusals.length) console.log(`  Chromium: ${refusals.join(' | ').trim()}`);
  } finally {
    await page.close();
    hostile.close();
  }
}

async function main() {
  await checkAdminPlane();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await checkNotFramable(browser);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    // Script errors and anything the CSP refused (an inline script or style) fail the test.
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) errors.push(message.text());
    });
    await page.goto(`${admin}/`);

    if (token) {
      // A wrong token first: the stream's 403 asks again; then the right one.
      await page.waitForSelector('#token-form:not([hidden])', { timeout: 10000 });
      if (await page.textContent('#status') === 'live') fail('live before the token was given');
      await page.fill('#token', `x${token}`);
      await page.click('#token-form button');
      await page.waitForFunction(() => document.getElementById('token-message').textContent.includes('wrong'), null, { timeout: 5000 });
      await page.waitForSelector('#token-form:not([hidden])');
      console.log('a wrong token is refused and asked for again: ok');
      await page.fill('#token', token);
      await page.click('#token-form button');
    }
    await page.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10000 });
    if (token) {
      // The token is kept for the tab: a reload goes live without asking.
      await page.reload();
      await page.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10000 });
      if (await page.isVisible('#token-form')) fail('the token was asked for again after a reload');
      console.log('the token form leads to live, and the token survives a reload: ok');
    }

    // Live: the sample clock moves.
    const first = await page.textContent('#updated');
    await page.waitForFunction((before) => document.getElementById('updated').textContent !== before, first, { timeout: 5000 });
    console.log('live numbers change: ok');

    // The toggle flips the server's mode.
    await page.waitForSelector('#toggle:not([disabled])');
    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('mode').textContent.startsWith('inline'), null, { timeout: 5000 });
    const mode = await serverMode();
    if (mode !== 'inline') fail(`server mode is ${mode} after the click`);
    console.log('toggle sets the server to inline: ok');

    // The browser's own requests to the data plane are answered and shown before the freeze.
    await page.waitForFunction(() => Number.isFinite(Number(document.getElementById('browser-ms').textContent)), null, { timeout: 5000 });
    const browserBefore = Number(await page.textContent('#browser-ms'));

    // Freeze the data loop with one slow inline hash; the page must keep updating meanwhile.
    // Samples are counted as they are rendered: #updated shows whole seconds, which two reads
    // 0.7 s apart can see unchanged even while samples arrive.
    // The browser's own request is read as the page shows it all through the freeze (its peak):
    // a hash that ends a little under 1 s lets a fresh fast request replace it before a late read.
    await page.evaluate(() => {
      window.rendered = 0;
      new MutationObserver(() => { window.rendered += 1; }).observe(document.getElementById('updated'), { childList: true });
      window.browserPeak = 0;
      const shown = document.getElementById('browser-ms');
      new MutationObserver(() => {
        window.browserPeak = Math.max(window.browserPeak, Number(shown.textContent) || 0);
      }).observe(shown, { childList: true, characterData: true, subtree: true });
    });
    const frozen = fetch(`${data}/rank/alice`);
    await sleep(400);
    const during = await page.evaluate(() => window.rendered);
    await sleep(700);
    const later = await page.evaluate(() => window.rendered);
    if (later - during < 2) fail(`the dashboard rendered ${later - during} samples in 0.7 s of a frozen loop`);
    const lagMax = Number(await page.textContent('#lag-max'));
    if (!(lagMax >= 300)) fail(`lag max shows ${lagMax} ms during a freeze of over 1 s`);
    console.log(`keeps updating while the loop is frozen (lag max ${lagMax} ms): ok`);
    // Your browser is Bob: its own request waits behind the hash, and the page says so.
    const browserDuring = await page.evaluate(() => window.browserPeak);
    if (!(browserDuring >= 300 && browserDuring > browserBefore))
      fail(`the browser's own request shows ${browserDuring} ms in a freeze of over 1 s (${browserBefore} ms before)`);
    console.log(`the browser's own /healthz request: ${browserBefore} ms before, ${browserDuring} ms waiting in the freeze: ok`);
    await frozen;
    await page.waitForFunction(() => document.getElementById('stalls').textContent.includes('/rank'), null, { timeout: 5000 });
    console.log('the stall is listed and named /rank: ok');

    // The flame graph (d3-flame-graph) draws the stall's stacks under its route.
    await page.waitForFunction(() => document.querySelectorAll('#flame-graph svg g.frame').length > 0, null, { timeout: 5000 });
    const frames = await page.$$eval('#flame-graph svg g.frame', (gs) => gs.map((g) => g.getAttribute('name') ?? ''));
    if (!frames.includes('/rank')) fail(`no /rank frame in the flame graph: ${frames.slice(0, 10).join(', ')}`);
    if (!frames.some((name) => /pbkdf2/i.test(name))) fail(`no PBKDF2 frame in the flame graph: ${frames.join(', ')}`);
    if (await page.isVisible('#flame-empty')) fail('the flame graph still says there is no stall');
    console.log(`the flame graph shows /rank and ${frames.find((name) => /pbkdf2/i.test(name))}: ok`);
    const browserPoints = await page.evaluate(() => browserChart.data.datasets[0].data.map((p) => p.y));
    if (!(Math.max(...browserPoints) >= 300)) fail(`the browser chart never showed the wait: ${browserPoints.join(', ')}`);
    console.log('the browser latency chart moved with the freeze: ok');

    // Opened after the fact, a page draws the recent past at once: the stall among it.
    const stalled = (await (await fetch(`${admin}/stalls`, { headers: auth })).json()).find((s) => s.route === '/rank');
    const late = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await late.goto(`${admin}/`);
    if (token) {
      await late.waitForSelector('#token-form:not([hidden])', { timeout: 10000 });
      await late.fill('#token', token);
      await late.click('#token-form button');
    }
    await late.waitForFunction(() => document.getElementById('status').textContent === 'live', null, { timeout: 10000 });
    const drawnFrom = await late.evaluate(() => origin);
    const drawn = await late.evaluate(() => lagChart.data.datasets[0].data.length);
    if (!(drawnFrom < stalled.started_unix_ms)) fail(`a page opened later starts at ${drawnFrom}, after the stall at ${stalled.started_unix_ms}`);
    await late.waitForFunction(() => document.getElementById('stalls').textContent.includes('/rank'), null, { timeout: 5000 });
    console.log(`a page opened later draws ${drawn} samples from before it opened, the stall among them: ok`);
    await late.close();

    if (process.env.SCREENSHOT) {
      await sleep(1500); // a little history after the stall, for the picture
      await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
      console.log(`screenshot: ${process.env.SCREENSHOT}`);
    }

    await page.click('#toggle');
    await page.waitForFunction(() => document.getElementById('mode').textContent.startsWith('offload'), null, { timeout: 5000 });
    if (await serverMode() !== 'offload') fail('toggle back to offload failed');
    console.log('toggle back to offload: ok');
    if (errors.length) fail(`the page reported errors: ${errors.join(' | ')}`);
    console.log('no script errors, nothing refused by the CSP: ok');
    if (misses.length) fail(`the admin plane's defences: ${misses.length} missing: ${misses.join('; ')}`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => { console.error(`FAIL: ${error.message}`); process.exit(1); });
