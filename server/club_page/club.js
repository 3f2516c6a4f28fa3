// The club page: the leaderboard, and a player's values, rating history (Chart.js) and recent
// games, each game's explanation on demand. Everything comes from the data plane's own JSON
// routes on this origin; every text from them is set with textContent, never parsed as HTML.
// A player is chosen by a click, by #NAME or by ?player=NAME in the address.
'use strict';

const pageSize = 20;
const board = { offset: 0, eligible: false };
let historyChart = null; // the player's chart, replaced for each player
let shownPlayer = null;
let playerRequest = 0; // the latest player asked for wins, whatever the order answers come in

const byId = (id) => document.getElementById(id);
const element = (tag, text, className) => {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = String(text);
  if (className) node.className = className;
  return node;
};
const fixed = (value, digits) => (typeof value === 'number' ? value.toFixed(digits) : '–');
const signed = (value, digits) => (value >= 0 ? '+' : '') + value.toFixed(digits);
const date = (unixMs) => new Date(unixMs).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const playerPath = (name) => `/players/${encodeURIComponent(name)}`;

function setStatus(text, isError = false) {
  const status = byId('status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

// GET a JSON route; an answer other than 2xx throws with the server's own error message.
async function getJson(path) {
  const answer = await fetch(path, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await answer.json();
  } catch {
    // not JSON: the status says enough
  }
  if (!answer.ok) throw new Error(body && body.error ? body.error : `${path}: HTTP ${answer.status}`);
  return body;
}

// --- The leaderboard -----------------------------------------------------------------------

async function loadLeaderboard() {
  let path = `/leaderboard?limit=${pageSize}&offset=${board.offset}`;
  if (board.eligible) path += '&eligible=true';
  let page;
  try {
    page = await getJson(path);
  } catch (error) {
    setStatus(`leaderboard: ${error.message}`, true);
    return;
  }
  const rows = byId('leaderboard').tBodies[0];
  rows.replaceChildren();
  for (const entry of page.entries) {
    const row = document.createElement('tr');
    row.dataset.player = entry.player;
    if (entry.player === shownPlayer) row.className = 'selected';
    const link = element('a', entry.player);
    link.href = `#${encodeURIComponent(entry.player)}`;
    const name = document.createElement('td');
    name.append(link);
    row.append(element('td', entry.rank), name, element('td', entry.rating));
    rows.append(row);
  }
  // `population` names who is counted: "club", or the eligibility rule.
  const who = page.population && page.population !== 'club' ? `: ${page.population}` : '';
  byId('players-count').textContent =
    who ? `${page.players} players${who}` : `${page.players} ${board.eligible ? 'eligible players' : 'players'}`;
  byId('players-count').dataset.players = String(page.players);
  const last = page.offset + page.entries.length;
  byId('page-range').textContent = page.entries.length ? `${page.offset + 1}–${last}` : 'none';
  byId('previous').disabled = page.offset === 0;
  byId('next').disabled = last >= page.players;
  setStatus('');
}

function markSelected() {
  for (const row of byId('leaderboard').tBodies[0].rows)
    row.classList.toggle('selected', row.dataset.player === shownPlayer);
}

// --- A player --------------------------------------------------------------------------------

function showValues(standing) {
  const values = byId('player-values');
  values.replaceChildren();
  const add = (term, value) => values.append(element('dt', term), element('dd', value));
  add('rating', standing.rating + (standing.provisional ? ' (provisional)' : ''));
  add('rank', `${standing.rank} of ${standing.players}`);
  add('percentile', `${fixed(standing.percentile, 1)} % rated lower`);
  add('games', standing.games);
  add('Glicko-2', `rating ${fixed(standing.glicko.rating, 1)}, RD ${fixed(standing.glicko.rd, 1)}, ` +
    `volatility ${fixed(standing.glicko.volatility, 4)}`);
}

function drawHistory(history) {
  const points = [...history.points].reverse(); // the route answers newest first
  const canvas = byId('history-chart');
  canvas.dataset.points = String(points.length);
  if (historyChart) historyChart.destroy();
  historyChart = new Chart(canvas, {
    type: 'line',
    data: {
      labels: points.map((_, i) => i + 1),
      datasets: [{
        label: `${history.player}'s rating`,
        data: points.map((p) => p.rating),
        borderColor: '#2471a3',
        backgroundColor: '#2471a3',
      }],
    },
    options: {
      animation: false,
      maintainAspectRatio: false,
      elements: { point: { radius: 2 }, line: { borderWidth: 1.5 } },
      scales: { x: { title: { display: true, text: 'game' } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => {
              const p = points[items[0].dataIndex];
              return `${p.game}, ${date(p.played_at)}`;
            },
            label: (item) => {
              const p = points[item.dataIndex];
              return `rating ${fixed(p.rating, 1)}, RD ${fixed(p.rd, 1)}`;
            },
          },
        },
      },
    },
  });
}

// One side's explanation: its sentence and the numbers behind it.
function explainSide(side) {
  const part = element('div');
  part.className = 'side';
  const steps = side.steps;
  part.append(
    element('p', `${side.player}: ${side.sentence}`, 'sentence'),
    element('p', `E ${fixed(steps.E, 3)} · g ${fixed(steps.g, 3)} · delta ${fixed(steps.delta, 3)} · ` +
      `rating ${fixed(side.before.rating, 1)} → ${fixed(side.after.rating, 1)}, ` +
      `RD ${fixed(side.before.rd, 1)} → ${fixed(side.after.rd, 1)}` +
      (side.matches_stored ? '' : ' (the stored values differ from the recomputed ones)'), 'numbers'));
  return part;
}

async function toggleExplanation(item, game, button) {
  const shown = item.querySelector('.explanation');
  if (shown) {
    shown.remove();
    button.textContent = 'why?';
    return;
  }
  button.disabled = true;
  try {
    const explanation = await getJson(`/games/${encodeURIComponent(game.id)}/explain`);
    const box = element('div', undefined, 'explanation');
    box.dataset.game = game.id;
    box.append(explainSide(explanation.white), explainSide(explanation.black));
    item.append(box);
    button.textContent = 'hide';
  } catch (error) {
    setStatus(`explanation of ${game.id}: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

function showGames(player, page) {
  const list = byId('games');
  list.replaceChildren();
  byId('games-empty').hidden = page.games.length > 0;
  for (const game of page.games) {
    const own = game.white.player === player ? game.white : game.black;
    const other = own === game.white ? game.black : game.white;
    const score = game.result === '1/2-1/2' ? 'drew' :
      (game.result === '1-0') === (own === game.white) ? 'won' : 'lost';
    const change = own.after.rating - own.before.rating;
    const item = document.createElement('li');
    item.dataset.game = game.id;
    item.append(
      element('span', `${date(game.played_at)}: ${score} against ${other.player} ` +
        `(${own === game.white ? 'white' : 'black'}, ${game.result}) `),
      element('span', `${signed(change, 1)}`, change >= 0 ? 'up' : 'down'));
    const button = element('button', 'why?');
    button.type = 'button';
    button.title = `how game ${game.id} moved both ratings`;
    button.addEventListener('click', () => toggleExplanation(item, game, button));
    item.append(button);
    list.append(item);
  }
}

async function showPlayer(name) {
  const request = ++playerRequest;
  setStatus(`loading ${name}…`);
  let standing, history, games;
  try {
    [standing, history, games] = await Promise.all([
      getJson(playerPath(name)),
      getJson(`${playerPath(name)}/history?limit=1000`),
      getJson(`${playerPath(name)}/games?limit=20`),
    ]);
  } catch (error) {
    if (request === playerRequest) setStatus(`${name}: ${error.message}`, true);
    return;
  }
  if (request !== playerRequest) return; // another player was asked for meanwhile
  shownPlayer = standing.player;
  byId('player').hidden = false;
  byId('player-name').textContent = standing.player;
  showValues(standing);
  drawHistory(history);
  showGames(standing.player, games);
  markSelected();
  setStatus('');
}

// --- The address: #NAME, else ?player=NAME ---------------------------------------------------

function playerInAddress() {
  if (location.hash.length > 1) {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch {
      return null;
    }
  }
  return new URLSearchParams(location.search).get('player');
}

byId('eligible').addEventListener('change', (event) => {
  board.eligible = event.target.checked;
  board.offset = 0;
  loadLeaderboard();
});
byId('previous').addEventListener('click', () => {
  board.offset = Math.max(0, board.offset - pageSize);
  loadLeaderboard();
});
byId('next').addEventListener('click', () => {
  board.offset += pageSize;
  loadLeaderboard();
});
window.addEventListener('hashchange', () => {
  const name = playerInAddress();
  if (name) showPlayer(name);
});

board.eligible = byId('eligible').checked; // as the browser may have kept it
loadLeaderboard();
const initial = playerInAddress();
if (initial) showPlayer(initial);
