// A real Prometheus (Debian's `prometheus`) scraping the gateway's metrics
// listener: the series arrive and answer a PromQL query
// (docs/operating.md, "Metrics"). Its own config and data folder, on a free
// loopback port, stopped afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eventually, postChat, startTestServer } from './helpers.mjs';
import { freePort } from './redis-helpers.mjs';
import { stopChild } from '../../tools/redis/redis-server.mjs';

async function query(base, promql) {
  const answer = await fetch(new URL(`/api/v1/query?query=${encodeURIComponent(promql)}`, base));
  const body = await answer.json();
  assert.equal(body.status, 'success', JSON.stringify(body));
  return body.data.result;
}

test('Prometheus scrapes the gateway and answers a query on natter_messages_received_total', { timeout: 30_000 }, async () => {
  const server = await startTestServer({ metricsPort: 0 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'natter-prometheus-'));
  let prometheus = null;
  let output = '';
  try {
    for (let i = 0; i < 2; i += 1) assert.equal((await postChat(server.url, { conversation: 'conv-prom' })).status, 200);
    const target = new URL(server.metricsUrl);
    writeFileSync(path.join(dir, 'prometheus.yml'), [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: natter',
      `    metrics_path: ${target.pathname}`,
      '    static_configs:',
      `      - targets: ['${target.host}']`,
      '',
    ].join('\n'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/`;
    prometheus = spawn('prometheus', [
      `--config.file=${path.join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prometheus.stdout.on('data', (c) => { output += c; });
    prometheus.stderr.on('data', (c) => { output += c; });
    await eventually(async () => (await fetch(new URL('/-/ready', base)).catch(() => null))?.ok, 10_000);
    const result = await eventually(async () => {
      const found = await query(base, `natter_messages_received_total{job="natter",gateway="${server.instance}"}`);
      return found.length ? found : null;
    }, 12_000);
    assert.equal(result.length, 1);
    assert.equal(result[0].value[1], '2');
    assert.equal(result[0].metric.instance, target.host, 'Prometheus names the target; the gateway label keeps its id');
    const up = await query(base, 'up{job="natter"}');
    assert.equal(up[0].value[1], '1');
  } catch (error) {
    error.message += `\n--- prometheus output ---\n${output.slice(-2000)}`;
    throw error;
  } finally {
    if (prometheus) await stopChild(prometheus);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
