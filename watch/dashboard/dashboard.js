// The live dashboard: one event stream on /events, three Chart.js charts, one toggle.
'use strict';

const windowSeconds = 120;
const started = Date.now();
const seconds = (unixMs) => (unixMs - started) / 1000;
const colors = { '/rank': '#c0392b', '/players': '#2471a3', '/leaderboard': '#7d3c98', '/healthz': '#1e8449', other: '#7f8c8d' };
let stalls = [];
let mode = null;

// Red bands over the stalls, labelled by the route that held the loop.
const stallBands = {
  id: 'stallBands',
  beforeDatasetsDraw(chart) {
    const { ctx, chartArea, scales } = chart;
    ctx.save();
    for (const stall of stalls) {
      const end = stall.end ?? Date.now();
      const x0 = Math.max(scales.x.getPixelForValue(seconds(stall.start)), chartArea.left);
      const x1 = Math.min(scales.x.getPixelForValue(seconds(end)), chartArea.right);
      if (x1 < chartArea.left || x0 > chartArea.right) continue;
      ctx.fillStyle = 'rgba(192, 57, 43, 0.15)';
      ctx.fillRect(x0, chartArea.top, Math.max(x1 - x0, 2), chartArea.bottom - chartArea.top);
      if (chart.canvas.id === 'lag-chart') {
        ctx.fillStyle = '#c0392b';
        ctx.font = '11px system-ui, sans-serif';
        ctx.fillText(stall.route, x0 + 2, chartArea.top + 11);
      }
    }
    ctx.restore();
  },
};

function lineChart(id, datasets, extraScales = {}) {
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
      plugins: { legend: { labels: { boxWidth: 12 } } },
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

const text = (id, value) => { document.getElementById(id).textContent = value; };
const fixed = (v, digits = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(digits));

function showMode(next) {
  mode = next;
  const label = document.getElementById('mode');
  label.textContent = next === 'inline' ? 'inline (on the loop)' : 'offload (on the pool)';
  label.className = next;
  const button = document.getElementById('toggle');
  button.textContent = next === 'inline' ? 'switch to offload' : 'switch to inline';
  button.disabled = false;
}

function render(sample) {
  const x = seconds(sample.t);
  showMode(sample.mode);
  text('lag-p99', fixed(sample.lag_p99_ms));
  text('lag-max', fixed(sample.lag_max_ms));
  text('busy', fixed(sample.busy_ratio * 100, 0));
  text('in-flight', sample.in_flight);
  text('pool-queue', sample.pool_queue);
  text('connections', sample.connections);
  text('updated', new Date(sample.t).toLocaleTimeString());
  stalls = sample.stalls;
  text('stall-count', stalls.filter((s) => s.end !== null).length);
  document.getElementById('stalls').innerHTML = stalls.slice(-8).reverse().map((s) => {
    const held = s.end === null ? 'in progress' : `${s.end - s.start} ms`;
    return `<li>${new Date(s.start).toLocaleTimeString()}: loop blocked ${held}, held by <strong>${s.route}</strong></li>`;
  }).join('');

  // While the loop is frozen no probe reports: show the heartbeat's age as the lag.
  push(lagChart, 0, x, sample.lag_p99_ms ?? sample.lag_now_ms);
  push(lagChart, 1, x, sample.lag_max_ms);
  for (const [route, stats] of Object.entries(sample.routes)) push(latencyChart, routeSeries(route), x, stats.p99_ms);
  push(loadChart, 0, x, sample.busy_ratio * 100);
  push(loadChart, 1, x, sample.pool_queue);
  push(loadChart, 2, x, (sample.handler_ratio ?? 0) * 100);
  for (const chart of [lagChart, latencyChart, loadChart]) {
    chart.options.scales.x.min = Math.max(0, x - windowSeconds);
    chart.options.scales.x.max = Math.max(x, 10);
    chart.update('none');
  }
}

// The admin token, when the plane wants one: asked for in the page, kept for this tab only, and
// sent as a header, never in a URL (where it would end up in history and logs).
const tokenKey = 'ranking-admin-token';
const authorization = () => {
  const token = sessionStorage.getItem(tokenKey);
  return token ? { Authorization: `Bearer ${token}` } : {};
};

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
        render(JSON.parse(data));
      });
    } catch (error) {
      console.warn('event stream:', error);
    }
    showStatus('disconnected, retrying…', 'down');
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
stream();

document.getElementById('toggle').addEventListener('click', async () => {
  const next = mode === 'inline' ? 'offload' : 'inline';
  const answer = await fetch('/mode', { method: 'PUT', body: next, headers: authorization() });
  if (answer.ok) showMode((await answer.json()).mode);
});
