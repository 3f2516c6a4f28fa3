// The club page (/club on the data plane) in a real browser: after a few games posted here, the
// leaderboard shows the top player the games made, a click on a player draws their rating
// history (as many points as their games) and lists their games, a click on a game shows its
// explanation; #NAME and ?player=NAME open a player; the pager and "eligible only" ask the
// leaderboard as they should. No script error, no console error, nothing refused by the CSP,
// which the page's answers carry.
// Env: DATA_URL (a server started with tests/e2e/club.sh's roster). Run by tests/e2e/club.sh.
'use strict';
const { chromium } = require('playwright-core');

const data = process.env.DATA_URL;
const fail = (message) => { throw new Error(message); };
const ok = (what) => console.log(`${what}: ok`);
const expectedCsp = "default-src 'self'; frame-ancestors 'none'";

// [id, white, black, result]: bob's win over alice puts him on top; alice plays three games,
// bob two, charlie three.
const games = [
  ['club-1', 'bob', 'alice', '1-0'],
  ['club-2', 'alice', 'charlie', '1/2-1/2'],
  ['club-3', 'dana', 'charlie', '0-1'],
  ['club-4', 'bob', 'charlie', '1-0'],
  ['club-5', 'alice', 'dana', '1-0'],
];

async function getJson(path) {
  const answer = await fetch(`${data}${path}`);
  if (!answer.ok) fail(`GET ${path}: ${answer.status} ${await answer.text()}`);
  return answer.json();
}

async function postGames() {
  for (const [id, white, black, result] of games) {
    const answer = await fetch(`${data}/games`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ id, white, black, result }),
    });
    if (answer.status !== 201) fail(`POST /games ${id}: ${answer.status} ${await answer.text()}`);
  }
  ok(`${games.length} games posted`);
}

// The page's own files, from node: each with its CSP and no framing.
async function checkHeaders() {
  for (const path of ['/club', '/club/club.js', '/club/club.css', '/club/chart.min.js']) {
    const answer = await fetch(`${data}${path}`);
    await answer.arrayBuffer();
    if (answer.status !== 200) fail(`GET ${path}: ${answer.status}`);
    const csp = answer.headers.get('content-security-policy');
    if (csp !== expectedCsp) fail(`GET ${path}: Content-Security-Policy "${csp}"`);
    if (answer.headers.get('x-frame-options') !== 'DENY') fail(`GET ${path}: no X-Frame-Options DENY`);
  }
  const missing = await fetch(`${data}/club/nope`);
  const error = await missing.json();
  if (missing.status !== 404 || typeof error.error !== 'string') fail(`GET /club/nope: ${missing.status} ${JSON.stringify(error)}`);
  ok('the page\'s files carry the CSP and X-Frame-Options DENY, /club/nope is a JSON 404');
}

// A page that records what went wrong in it: script errors, console errors, CSP violations.
async function watchedPage(browser, problems) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  // Before any script of the page's, on every load: the browser's own report of what the CSP
  // refused, handed to node at once.
  await page.exposeFunction('reportViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      window.reportViolation(`${event.violatedDirective} ${event.blockedURI}`));
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    const where = message.location().url || '';
    // The browser's own request for /favicon.ico (the data plane has none) is not the page's.
    if (where.endsWith('/favicon.ico')) return;
    if (message.type() === 'error' || message.text().includes('Content Security Policy'))
      problems.push(`console ${message.type()}: ${message.text()} (${where})`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return page;
}

const rowPlayers = (page) => page.$$eval('#leaderboard tbody tr', (rows) => rows.map((row) => row.dataset.player));

// The player panel shows `name`, its chart drawn: its number of points, from the Chart instance.
async function waitForPlayer(page, name) {
  await page.waitForFunction((expected) => {
    const canvas = document.getElementById('history-chart');
    return !document.getElementById('player').hidden &&
      document.getElementById('player-name').textContent === expected &&
      window.Chart && Chart.getChart(canvas) !== undefined &&
      Chart.getChart(canvas).data.datasets[0].label.startsWith(expected);
  }, name, { timeout: 10000 });
  return page.evaluate(() => {
    const canvas = document.getElementById('history-chart');
    const chart = Chart.getChart(canvas);
    return {
      points: chart.data.datasets[0].data.length,
      ratings: chart.data.datasets[0].data,
      attribute: Number(canvas.dataset.points),
      games: [...document.querySelectorAll('#games li')].map((li) => li.dataset.game),
      values: document.getElementById('player-values').textContent,
    };
  });
}

async function checkPlayer(page, name) {
  const [standing, history] = await Promise.all([getJson(`/players/${name}`), getJson(`/players/${name}/history?limit=1000`)]);
  const shown = await waitForPlayer(page, name);
  if (shown.points !== standing.games || shown.attribute !== standing.games)
    fail(`${name}'s chart has ${shown.points} points (data-points ${shown.attribute}), ${standing.games} games played`);
  const expectedRatings = history.points.map((p) => p.rating).reverse();
  if (JSON.stringify(shown.ratings) !== JSON.stringify(expectedRatings))
    fail(`${name}'s chart draws ${shown.ratings}, the history says ${expectedRatings}`);
  const theirs = games.filter(([, white, black]) => white === name || black === name).map(([id]) => id).reverse();
  if (JSON.stringify(shown.games) !== JSON.stringify(theirs))
    fail(`${name}'s recent games show ${shown.games}, expected ${theirs} (newest first)`);
  if (!shown.values.includes(`${standing.rank} of ${standing.players}`) || !shown.values.includes(String(standing.rating)))
    fail(`${name}'s values show "${shown.values}", not rank ${standing.rank} and rating ${standing.rating}`);
  return shown;
}

async function main() {
  await postGames();
  await checkHeaders();
  const board = await getJson('/leaderboard?limit=20&offset=0');
  if (board.entries[0].player !== 'bob') fail(`the games should have put bob on top: ${JSON.stringify(board.entries.slice(0, 3))}`);

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const problems = [];
  try {
    const page = await watchedPage(browser, problems);
    const opened = await page.goto(`${data}/club`);
    if (opened.status() !== 200) fail(`GET /club in the browser: ${opened.status()}`);
    if ((await opened.allHeaders())['content-security-policy'] !== expectedCsp) fail('the page came without its CSP');

    // The leaderboard: a full first page, best first, bob on top as the server says.
    await page.waitForFunction(() => document.querySelectorAll('#leaderboard tbody tr').length > 0, null, { timeout: 10000 });
    const rows = await rowPlayers(page);
    const expectedRows = board.entries.map((e) => e.player);
    if (JSON.stringify(rows) !== JSON.stringify(expectedRows)) fail(`the rows show ${rows}, the server ${expectedRows}`);
    const firstRow = await page.$$eval('#leaderboard tbody tr:first-child td', (cells) => cells.map((c) => c.textContent));
    if (firstRow.join('|') !== `1|bob|${board.entries[0].rating}`) fail(`the first row reads ${firstRow.join(' | ')}`);
    const count = await page.textContent('#players-count');
    if (!count.startsWith(`${board.players} `)) fail(`the players count reads "${count}", the answer says ${board.players}`);
    ok(`the leaderboard shows ${rows.length} rows of ${board.players} players, bob on top at ${board.entries[0].rating}`);

    // The pager: the second page, then back.
    await page.click('#next');
    await page.waitForFunction(() => document.querySelector('#leaderboard tbody td')?.textContent === '21', null, { timeout: 5000 });
    const second = await rowPlayers(page);
    if (second.length !== board.players - 20) fail(`the second page has ${second.length} rows`);
    if (!(await page.isDisabled('#next'))) fail('"next" is enabled on the last page');
    await page.click('#previous');
    await page.waitForFunction(() => document.querySelector('#leaderboard tbody td')?.textContent === '1', null, { timeout: 5000 });
    ok(`the pager shows ranks 21-${board.players}, then the first page again`);

    // A click on a player: values, the history chart (one point a game), the recent games.
    await page.click('#leaderboard a[href="#alice"]');
    const alice = await checkPlayer(page, 'alice');
    if (!page.url().endsWith('#alice')) fail(`the address after the click: ${page.url()}`);
    ok(`a click on alice draws ${alice.points} points (her games) and lists ${alice.games.join(', ')}`);

    // A click on a game: both sides' sentences and numbers, as the server explains them.
    const explained = await getJson('/games/club-1/explain');
    await page.click('#games li[data-game="club-1"] button');
    await page.waitForSelector('#games li[data-game="club-1"] .explanation', { timeout: 5000 });
    const explanation = await page.textContent('#games li[data-game="club-1"] .explanation');
    for (const side of [explained.white, explained.black]) {
      if (!explanation.includes(`${side.player}: ${side.sentence}`)) fail(`the explanation lacks ${side.player}'s sentence: ${explanation}`);
      if (!explanation.includes(`E ${side.steps.E.toFixed(3)}`)) fail(`the explanation lacks ${side.player}'s E ${side.steps.E}: ${explanation}`);
    }
    for (const key of ['g ', 'delta ', ' → ']) if (!explanation.includes(key)) fail(`the explanation lacks "${key}": ${explanation}`);
    ok(`a click on club-1 explains it: "${explained.white.sentence}"`);

    // #NAME and ?player=NAME in the address open a player at once.
    await page.goto(`${data}/club?player=charlie`);
    const charlie = await checkPlayer(page, 'charlie');
    await page.goto(`${data}/club#bob`);
    const bob = await checkPlayer(page, 'bob');
    ok(`?player=charlie opens charlie (${charlie.points} points), #bob opens bob (${bob.points} points)`);

    // "eligible only" adds eligible=true to the leaderboard's request and shows its count.
    const asked = page.waitForResponse((r) => r.url().includes('/leaderboard?') && r.url().includes('eligible=true'), { timeout: 5000 });
    await page.check('#eligible');
    const eligibleAnswer = await (await asked).json();
    await page.waitForFunction((players) => document.getElementById('players-count').dataset.players === String(players),
      eligibleAnswer.players, { timeout: 5000 });
    const eligibleRows = await rowPlayers(page);
    if (eligibleRows.length !== eligibleAnswer.entries.length) fail(`eligible only shows ${eligibleRows.length} rows, the answer has ${eligibleAnswer.entries.length}`);
    ok(`"eligible only" asks with eligible=true and shows "${await page.textContent('#players-count')}"`);

    await page.close();
  } finally {
    await browser.close();
  }
  if (problems.length) fail(`the page reported problems:\n  ${problems.join('\n  ')}`);
  ok('no script error, no console error, nothing refused by the CSP');
}

main().catch((error) => { console.error(`FAIL: ${error.message}`); process.exit(1); });
