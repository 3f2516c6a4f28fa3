// The live dashboard: the /events stream (the last two minutes at once, then live), three Chart.js
// charts with the stalls drawn on their timeline, the stalls' list and flame graph (d3-flame-graph)
// from /stalls, the browser's own requests to the data plane, one toggle.
'use strict';

const windowSeconds = 120;
const colors = { '/rank': '#c0392b', '/players': '#2471a3', '/leaderboard': '#7d3c98', '/healthz': '#1e8449', other: '#7f8c8d' };
const kindColors = { cpu: ['rgba(192, 57, 43, 0.15)', '#c0392b'], blocked: ['rgba(125, 60, 152, 0.18)', '#7d3c98'] };
let origin = null; // the oldest sample's time: the charts' x is seconds since then
let lastSampleAt = 0; // a reconnected stream sends its history again: what is drawn is skipped
let stalls = []; // from /stalls: the one in progress first, then newest first
let ongoing = null; // from the feed, while the loop is held: {start, route}
let stallsEnded = null;
let mode = null;
const seconds = (unixMs) => (unixMs - origin) / 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (id, value) => { document.getElementById(id).textContent = value; };
const fixed = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

// The stalls as bands over time: the ended ones from /stalls, the one in progress from the feed.
function bands() {
  const out = stalls.filter((s) => !s.ongoing).map((s) => ({
    start: s.started_unix_ms, end: s.started_unix_ms + s.duration_ms, kind: s.kind, route: s.route ?? 'outside a handler',
  }));
  if (ongoing) out.push({ start: ongoing.start, end: Date.now(), kind: ongoing.kind, route: ongoing.route });
  return out;
}

const stallBands = {
  id: 'stallBands',
  beforeDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    for (const band of bands()) {
      const x0 = Math.max(scales.x.getPixelForValue(seconds(band.start)), chartArea.left);
      const x1 = Math.min(scales.x.getPixelForValue(seconds(band.end)), chartArea.right);
      if (x1 < chartArea.left || x0 > chartArea.right) continue;
      const [fill, ink] = kindColors[band.kind] ?? kindColors.cpu;
      ctx.fillStyle = fill;
      ctx.fillRect(x0, chartArea.top, Math.max(x1 - x0, 2), chartArea.bottom - chartArea.top);
      if (chart.canvas.id === 'lag-chart') {
        ctx.fillStyle = ink;
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillText(band.route, x0 + 2, chartArea.top + 11);
      }
    }
    ctx.restore();
  },
};

function lineChart(id, datasets, extraScales = {}, legend = true) {
  return new Chart(document.getElementById(id), {
    type: 'line',
    data: { datasets },
    plugins: [stallBands],
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      spanGaps: true,
      elements: { point: { radius: 1.5 }, line: { borderWidth: 1.5 } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'seconds' } },
        y: { beginAtZero: true },
        ...extraScales,
      },
      plugins: { legend: { display: legend, labels: { boxWidth: 12 } } },
    },
  });
}

const series = (label, color, extra = {}) => ({ label, data: [], borderColor: color, backgroundColor: color, ...extra });
const lagChart = lineChart('lag-chart', [series('p99', '#2471a3'), series('max', '#c0392b')]);
const latencyChart = lineChart('latency-chart', []);
// busy %: the loop thread's CPU time per second (all its work); handlers %: the part of it inside
// our own handler scopes (the rest is Beast's parsing and writing and Asio's own work).
const loadChart = lineChart('load-chart', [series('busy %', '#c0392b'), series('pool queue', '#2471a3', { yAxisID: 'queue' }),
  series('our handlers %', '#e59866')],
  { y: { beginAtZero: true, max: 100 }, queue: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false } } });
const browserChart = lineChart('browser-chart', [series('your browser, ms', '#1d2330')], {}, false);
const charts = [lagChart, latencyChart, loadChart, browserChart];

function push(chart, index, x, y) {
  const data = chart.data.datasets[index].data;
  data.push({ x, y });
  while (data.length && data[0].x < x - windowSeconds) data.shift();
}

function routeSeries(route) {
  let index = latencyChart.data.datasets.findIndex((d) => d.label === route);
  if (index < 0) {
    latencyChart.data.datasets.push(series(route, colors[route] ?? '#444'));
    index = latencyChart.data.datasets.length - 1;
  }
  return index;
}

function showMode(next) {
  mode = next;
  const label = document.getElementById('mode');
  label.textContent = next === 'inline' ? 'inline (on the loop)' : 'offload (on the pool)';
  label.className = next;
  const button = document.getElementById('toggle');
  button.textContent = next === 'inline' ? 'switch to offload' : 'switch to inline';
  button.disabled = false;
}

// One sample onto the charts.
function plot(sample) {
  const x = seconds(sample.t);
  // While the loop is frozen no probe reports: the heartbeat's age is the lag.
  push(lagChart, 0, x, sample.lag_p99_ms ?? sample.lag_now_ms);
  push(lagChart, 1, x, sample.lag_max_ms);
  for (const [route, stats] of Object.entries(sample.routes)) push(latencyChart, routeSeries(route), x, stats.p99_ms);
  push(loadChart, 0, x, sample.busy_ratio * 100);
  push(loadChart, 1, x, sample.pool_queue);
  push(loadChart, 2, x, (sample.handler_ratio ?? 0) * 100);
}

// The newest sample in the tiles.
function show(sample) {
  showMode(sample.mode);
  text('lag-p99', fixed(sample.lag_p99_ms));
  text('lag-max', fixed(sample.lag_max_ms));
  text('busy', fixed(sample.busy_ratio * 100, 0));
  text('in-flight', sample.in_flight);
  text('pool-queue', sample.pool_queue);
  text('connections', sample.connections);
  text('stall-count', sample.stalls_ended);
  text('updated', new Date(sample.t).toLocaleTimeString());
}

function redraw(now) {
  for (const chart of charts) {
    chart.options.scales.x.min = Math.max(0, now - windowSeconds);
    chart.options.scales.x.max = Math.max(now, 10);
    chart.update('none');
  }
}

// Your browser is one more player: one small request at a time to the data plane's /healthz,
// 50 ms apart. While the loop is frozen the request in flight waits, and its age is shown.
const browser = { url: null, sentAt: null, last: null, worst: 0 };
const browserWait = () => (browser.sentAt === null ? 0 : performance.now() - browser.sentAt);

async function timeOwnRequests() {
  for (;;) {
    browser.sentAt = performance.now();
    try {
      const answer = await fetch(browser.url, { cache: 'no-store' });
      await answer.arrayBuffer();
      browser.last = answer.ok ? performance.now() - browser.sentAt : null;
    } catch (error) {
      browser.last = null; // the data plane is down or unreachable from here
    }
    browser.worst = Math.max(browser.worst, browser.last ?? 0);
    browser.sentAt = null;
    await sleep(50);
  }
}

function showBrowser() {
  const waiting = browserWait();
  const waits = waiting > (browser.last ?? 0);
  const value = waits ? waiting : browser.last;
  text('browser-ms', value === null ? '–' : value.toFixed(value < 10 ? 1 : 0));
  document.getElementById('browser-ms').className = `big${value > 100 ? ' slow' : ''}`;
  text('browser-state', waits && waiting > 100 ? 'still waiting for its answer' : '');
}

function startTimingOwnRequests(dataPort) {
  if (browser.url) return;
  browser.url = `${location.protocol}//${location.hostname}:${dataPort}/healthz`;
  timeOwnRequests();
  setInterval(showBrowser, 50);
}

// The admin token, when the plane wants one: asked for in the page, kept for this tab only, and
// sent as a header, never in a URL (where it would end up in history and logs).
const tokenKey = 'ranking-admin-token';
const authorization = () => {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { Authorization: `Bearer ${token}` } : {};
};

// Collapsed stacks ("root;caller;callee weight" a line) as the flame graph's tree.
function foldedTree(folded) {
  const root = { name: 'all stalls', value: 0, children: [] };
  for (const line of folded.split('\n')) {
    const space = line.lastIndexOf(' ');
    const weight = Number(line.slice(space + 1));
    if (space < 0 || !(weight > 0)) continue;
    root.value += weight;
    let node = root;
    for (const name of line.slice(0, space).split(';')) {
      let child = node.children.find((c) => c.name === name);
      if (!child) {
        child = { name, value: 0, children: [] };
        node.children.push(child);
      }
      child.value += weight;
      node = child;
    }
  }
  return root;
}

function drawFlameGraph(folded) {
  const tree = foldedTree(folded);
  const box = document.getElementById('flame-graph');
  document.getElementById('flame-empty').hidden = tree.value > 0;
  d3.select(box).select('svg').remove();
  if (!tree.value) return;
  const chart = flamegraph().width(box.clientWidth).cellHeight(18).minFrameSize(2).transitionDuration(0).sort(true);
  d3.select(box).datum(tree).call(chart);
}

function listItem(stall) {
  const item = document.createElement('li');
  const held = stall.ongoing ? 'in progress' : `${Math.round(stall.duration_ms)} ms`;
  const what = stall.kind === 'blocked' ? `waited${stall.syscall ? ` in ${stall.syscall}` : ''}` : 'on CPU';
  const who = document.createElement('strong');
  who.textContent = stall.route ? `${stall.route} #${stall.request_id}` : 'outside any handler';
  // The innermost frames with a name (a library's unexported functions show as "??").
  const top = (stall.samples[0]?.frames ?? []).filter((f) => !f.startsWith('??')).slice(0, 3).join(' ← ');
  item.append(`${new Date(stall.started_unix_ms).toLocaleTimeString()}: loop held ${held}, ${what}, by `, who,
    `; held ${stall.delayed_requests} requests for ${fixed(stall.delayed_ms_total / 1000, 2)} s in all`);
  if (top) {
    const frames = document.createElement('code');
    frames.textContent = top;
    item.append(' at ', frames);
  }
  return item;
}

// The stalls' records and stacks, read again when the feed says one more has ended. One read
// at a time; a stall that ends during one is read by the next, and a failed read is tried again
// with the next sample.
let refreshing = false;
let readAgain = false;
async function refreshStalls() {
  if (refreshing) {
    readAgain = true;
    return;
  }
  refreshing = true;
  do {
    readAgain = false;
    try {
      const [records, folded] = await Promise.all(['/stalls', '/stalls.folded'].map(async (path) => {
        const answer = await fetch(path, { headers: authorization(), cache: 'no-store' });
        if (!answer.ok) throw new Error(`${path} answered ${answer.status}`);
        return path === '/stalls' ? answer.json() : answer.text();
      }));
      stalls = records;
      document.getElementById('stalls').replaceChildren(...stalls.slice(0, 8).map(listItem));
      drawFlameGraph(folded);
    } catch (error) {
      console.warn('stalls:', error);
      stallsEnded = null; // the next sample asks again
    }
  } while (readAgain);
  refreshing = false;
}

// One event: an array of samples, the first event of a stream the whole history.
function receive(samples) {
  const fresh = samples.filter((s) => s.t > lastSampleAt);
  if (!fresh.length) return;
  if (origin === null) origin = fresh[0].t;
  const live = lastSampleAt !== 0;
  for (const sample of fresh) plot(sample);
  const newest = fresh[fresh.length - 1];
  lastSampleAt = newest.t;
  if (live) {
    push(browserChart, 0, seconds(newest.t), Math.max(browser.worst, browserWait()));
    browser.worst = 0;
  }
  show(newest);
  ongoing = newest.stall_ongoing;
  if (newest.stalls_ended !== stallsEnded) {
    stallsEnded = newest.stalls_ended;
    refreshStalls();
  }
  startTimingOwnRequests(newest.data_port);
  redraw(seconds(newest.t));
}

function showStatus(message, state) {
  const status = document.getElementById('status');
  status.textContent = message;
  status.className = `status ${state}`;
}

// Shows the token form and resolves once a token has been entered.
function askForToken(reason) {
  const form = document.getElementById('token-form');
  text('token-message', reason);
  form.hidden = false;
  document.getElementById('token').focus();
  return new Promise((resolve) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(tokenKey, document.getElementById('token').value);
      document.getElementById('token').value = '';
      form.hidden = true;
      resolve();
    }, { once: true });
  });
}

// Server-sent events read by hand: an event ends at a blank line, its data: lines carry the JSON.
async function readEvents(body, onData) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).replace(/^ /, ''));
        if (data.length) onData(data.join('\n'));
      }
    }
  } finally {
    reader.cancel().catch(() => {}); // a sample that failed to render must not leave the stream open
  }
}

// EventSource cannot send an Authorization header, so /events is read with fetch, and
// reconnected by hand after an error, as EventSource would.
async function stream() {
  for (;;) {
    try {
      const answer = await fetch('/events', { headers: authorization(), cache: 'no-store' });
      if (answer.status === 401 || answer.status === 403) {
        sessionStorage.removeItem(tokenKey);
        showStatus('needs the admin token', 'down');
        await askForToken(answer.status === 401 ? 'this admin plane needs its token' : 'wrong token, try again');
        continue;
      }
      if (!answer.ok) throw new Error(`/events answered ${answer.status}`);
      await readEvents(answer.body, (data) => {
        showStatus('live', 'live');
        receive(JSON.parse(data));
      });
    } catch (error) {
      console.warn('event stream:', error);
    }
    showStatus('disconnected, retrying…', 'down');
    await sleep(1000);
  }
}
stream();

document.getElementById('toggle').addEventListener('click', async () => {
  const next = mode === 'inline' ? 'offload' : 'inline';
  const answer = await fetch('/mode', { method: 'PUT', body: next, headers: authorization() });
  if (answer.ok) showMode((await answer.json()).mode);
});
