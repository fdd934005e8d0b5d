/**
 * The results cache as a class shares it (lib/experiments/cache.ts): two real processes writing
 * the same entry at once, a broken entry, a cache folder that cannot be written. The read-only
 * shared cache seen by a second Unix user is in install-system.test.ts, on the installed library.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { ResultsCache, runExperiments, type ExperimentSpec } from '../lib/experiments';

const root = mkdtempSync(join(tmpdir(), 'descent-lab-shared-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
const tiny = { epochs: 1, trainSamples: 300, testSamples: 100, seed: 3, parallel: 1, liveChart: false as const };

function recorder() {
  const sink = { interactive: false, text: '', write(chunk: string) { sink.text += chunk; } };
  return sink;
}

test('two processes writing the same entry at once never leave a broken entry for a reader', async () => {
  const dir = join(root, 'race');
  const stop = join(root, 'race-stop');
  // Each writer stores its own version of the same entry over and over, until told to stop, and
  // says (a file) when it has stored one, so that the reader reads while both really write.
  const writer = (id: number) => `
    const fs = require('node:fs');
    const { ResultsCache } = require(${JSON.stringify(require.resolve('../lib/experiments/cache'))});
    const cache = new ResultsCache(${JSON.stringify(dir)});
    const epochs = Array.from({ length: 20000 }, (_, i) => i);
    let writes = 0;
    while (!fs.existsSync(${JSON.stringify(stop)})) {
      cache.set({ key: 'same', label: 'writer ${id}', createdAt: String(writes), keyedBy: {},
        history: { epoch: epochs, history: { loss: epochs.map(() => ${id}) }, params: {}, epochSeconds: [] }, log: ['${id}'] });
      if (++writes === 1) fs.writeFileSync(${JSON.stringify(join(root, 'race-wrote-'))} + ${id}, '');
    }
    process.stdout.write(String(writes));`;
  const writers = [1, 2].map((id) => spawn(process.execPath, ['-e', writer(id)], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const counts = writers.map((child) => new Promise<number>((done) => {
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => done(code === 0 ? Number(out) : -1));
  }));
  const file = join(dir, 'same.json');
  try {
    while (![1, 2].every((id) => existsSync(join(root, `race-wrote-${id}`)))) await turn();
    for (let reads = 0; reads < 300; reads++) {
      const entry = JSON.parse(readFileSync(file, 'utf8')); // a torn write would throw here
      assert.equal(entry.history.epoch.length, 20000);
      assert.ok(entry.history.history.loss.every((value: number) => value === entry.history.history.loss[0]), 'one writer\'s entry, not a mix');
      await turn();
    }
  } finally {
    writeFileSync(stop, ''); // the writers stop, whatever the reader found
  }
  const writes = await Promise.all(counts);
  assert.ok(writes.every((count) => count >= 1), `both writers wrote while the reader read (${writes.join(' and ')} times)`);
  assert.deepEqual(readdirSync(dir), ['same.json'], 'no temporary file is left behind');
});

test('a broken entry is ignored with one line, and the run is trained again and stored whole', async () => {
  const cacheDir = join(root, 'broken');
  const specs: ExperimentSpec[] = [{ label: 'SGD', optimizer: 'SGD' }];
  await runExperiments(specs, { ...tiny, cacheDir, output: recorder() });
  const [file] = readdirSync(cacheDir);
  writeFileSync(join(cacheDir, file), readFileSync(join(cacheDir, file), 'utf8').slice(0, 100)); // as a full disk would leave it
  const output = recorder();
  const runs = await runExperiments(specs, { ...tiny, cacheDir, output });
  assert.equal(output.text.split('\n').filter((line) => line.includes('not a whole entry')).length, 1, output.text);
  assert.match(output.text, new RegExp(`^results cache: ignoring ${join(cacheDir, file)}, which is not a whole entry; the run is trained again$`, 'm'));
  assert.doesNotMatch(output.text, /from the results cache/);
  assert.equal(runs.SGD.epoch.length, 1);
  assert.equal(JSON.parse(readFileSync(join(cacheDir, file), 'utf8')).history.epoch.length, 1, 'the retrained run replaced it');
});

test('a cache that is missing, or stops being writable, never fails a run: one line says what is not stored', async () => {
  const missing = join(root, 'not', 'there', 'yet');
  const output = recorder();
  const runs = await runExperiments([{ label: 'SGD', optimizer: 'SGD' }], { ...tiny, cacheDir: missing, output });
  assert.equal(runs.SGD.epoch.length, 1);
  assert.equal(readdirSync(missing).length, 1, 'the folder is made and the run stored');
  assert.doesNotMatch(output.text, /results cache:/);

  const lines: string[] = [];
  const cache = new ResultsCache(join(root, 'goes-away'), (line) => lines.push(line));
  const history = { epoch: [0], history: { loss: [1], acc: [0.5] }, params: { epochs: 1, batchSize: 32, samples: 1, steps: 1 }, epochSeconds: [1] };
  const entry = (key: string) => ({ key, label: 'x', createdAt: 'now', keyedBy: {}, history, log: [] });
  cache.set(entry('kept')); // works
  rmSync(cache.dir!, { recursive: true });
  writeFileSync(cache.dir!, 'a file where the folder was');
  cache.set(entry('lost')); // a full or vanished disk: the entry is lost, not the run
  cache.set(entry('lost-too'));
  assert.equal(lines.length, 1, 'said once');
  assert.match(lines[0], /^results cache: cannot store runs in .*goes-away \((ENOTDIR|EEXIST)\); they are not cached$/);
  assert.equal(cache.get('kept'), undefined, 'a miss in a cache that is not there says nothing');
  assert.equal(lines.length, 1);
});
