// The official client as load generator: N socket.io-client 4.8 clients in one Node process,
// connected the way the web client connects (transports: ["websocket"]), driven by bench/run.py.
//
//   node loadgen.js SPEC.json
//
// SPEC: {urls, auths: [auth, ...], connect_concurrency, phases: [phase, ...]}; client i connects to
// urls[i % urls.length] (several server processes share the clients; results count deliveries per URL too)
//   phase {kind: "blast", senders: [[client index, conversation id], ...], per_sender, window, fanout, timeout_s}
//   phase {kind: "paced", senders: [...], rate_per_s, seconds, fanout, timeout_s}
//   phase {kind: "hold"}: nothing; the connections stay open until the next line on stdin
// Protocol on stdout (one JSON object a line): {"connected": n} once every client is connected, then
// before each phase {"ready": i} and after it {"result": {...}}; each phase starts on a line from
// stdin, so the parent measures the server's CPU exactly around the phase. {"done": true} at the end.
// Every loop is bounded: a phase ends at its timeout whatever was delivered.
"use strict";
const fs = require("fs");
const readline = require("readline");
const { io } = require("socket.io-client");

const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const stdin = readline.createInterface({ input: process.stdin });
const lines = [];
let waiter = null;
stdin.on("line", (l) => { if (waiter) { const w = waiter; waiter = null; w(l); } else lines.push(l); });
stdin.on("close", () => process.exit(0));
const nextLine = () => new Promise((r) => { if (lines.length) r(lines.shift()); else waiter = r; });
const say = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const nowUs = () => Math.round(performance.now() * 1000);

const tally = { deliveries: 0, perProcess: spec.urls.map(() => 0), expected: 0, lat: [], first: 0, last: 0, done: null };
function reset(expected) {
  tally.deliveries = 0; tally.perProcess = spec.urls.map(() => 0); tally.expected = expected; tally.lat = []; tally.first = nowUs(); tally.last = 0;
  return new Promise((r) => { tally.done = r; if (expected === 0) r(); });
}

function onMessage(proc, m) {
  const now = nowUs();
  tally.deliveries += 1;
  tally.perProcess[proc] += 1;
  tally.last = now;
  const match = /t=(\d+)/.exec(m && m.text);
  if (match) tally.lat.push(now - Number(match[1]));
  if (tally.deliveries >= tally.expected && tally.done) { const d = tally.done; tally.done = null; d(); }
}

function connect(proc, auth) {
  return new Promise((resolve, reject) => {
    const s = io(spec.urls[proc], { auth, transports: ["websocket"], forceNew: true, reconnection: false, timeout: 60000 });
    s.on("message:new", (m) => onMessage(proc, m));
    s.once("connect", () => resolve(s));
    s.once("connect_error", (e) => reject(new Error(`connect_error: ${e.message}`)));
  });
}

async function connectAll(auths, concurrency) {
  const clients = new Array(auths.length);
  let next = 0;
  async function worker() {
    while (next < auths.length) { const i = next++; clients[i] = await connect(i % spec.urls.length, auths[i]); }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, auths.length) }, worker));
  return clients;
}

const withTimeout = (p, s) => Promise.race([p, new Promise((r) => setTimeout(r, s * 1000))]);
const percentile = (v, p) => {
  if (!v.length) return NaN;
  const s = Float64Array.from(v).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p / 100 * (s.length - 1))))];
};

async function blast(clients, ph) {
  const done = reset(ph.senders.length * ph.per_sender * ph.fanout);
  const first = tally.first;
  let acked = 0;
  const refused = [];  // the first few sends not acked ok: why (timeout, or the server's error)
  const deadline = Date.now() + ph.timeout_s * 1000;
  await Promise.all(ph.senders.map(([ci, conv], idx) => new Promise((resolve) => {
    const sock = clients[ci];
    let sent = 0, inflight = 0, answered = 0;
    const pump = () => {
      while (inflight < ph.window && sent < ph.per_sender && Date.now() < deadline) {
        const n = sent++;
        inflight++;
        const text = `t=${nowUs()} 蓝牙耳机到货了，快来看看 #${n}`;
        sock.timeout(ph.timeout_s * 1000).emit("message:send",
          { conversation_id: conv, text, client_msg_id: `o${idx}-${n}-${first}` }, (err, ack) => {
            inflight--; answered++;
            if (!err && ack && ack.ok) acked++;
            else if (refused.length < 5) refused.push(err ? String(err.message || err) : JSON.stringify(ack).slice(0, 200));
            if (answered >= ph.per_sender || (sent === answered && Date.now() >= deadline)) resolve();
            else pump();
          });
      }
      if (sent === answered && Date.now() >= deadline) resolve();
    };
    pump();
  })));
  const ackedAt = nowUs();
  await withTimeout(done, Math.max(0, (deadline - Date.now()) / 1000));
  const span = Math.max(1e-9, (tally.last - first) / 1e6);
  return { sent: ph.senders.length * ph.per_sender, acked, expected: tally.expected, delivered: tally.deliveries,
           delivered_per_process: tally.perProcess.slice(), refused,
           seconds: span, acks_per_s: acked / Math.max(1e-9, (ackedAt - first) / 1e6),
           deliveries_per_s: tally.deliveries / span };
}

async function paced(clients, ph) {
  const total = Math.round(ph.rate_per_s * ph.seconds);
  const done = reset(total * ph.fanout);
  const acks = [];
  for (let n = 0; n < total; n++) {
    const [ci, conv] = ph.senders[n % ph.senders.length];
    const text = `t=${nowUs()} 这款降噪耳机通勤用正合适 #${n}`;
    acks.push(new Promise((r) => clients[ci].timeout(ph.timeout_s * 1000).emit("message:send",
      { conversation_id: conv, text }, () => r())));
    await new Promise((r) => setTimeout(r, 1000 / ph.rate_per_s));
  }
  await withTimeout(Promise.all(acks), ph.timeout_s);
  await withTimeout(done, ph.timeout_s);
  return { delivered: tally.deliveries, delivered_per_process: tally.perProcess.slice(), expected: tally.expected,
           p50_ms: percentile(tally.lat, 50) / 1000, p99_ms: percentile(tally.lat, 99) / 1000 };
}

(async () => {
  const clients = await connectAll(spec.auths, spec.connect_concurrency || 50);
  say({ connected: clients.length });
  for (let i = 0; i < spec.phases.length; i++) {
    const ph = spec.phases[i];
    say({ ready: i });
    await nextLine();
    let result = {};
    if (ph.kind === "blast") result = await blast(clients, ph);
    else if (ph.kind === "paced") result = await paced(clients, ph);
    say({ result });
  }
  for (const c of clients) c.disconnect();
  say({ done: true });
  setTimeout(() => process.exit(0), 200);
})().catch((e) => { say({ error: String(e && e.stack || e) }); process.exit(1); });
