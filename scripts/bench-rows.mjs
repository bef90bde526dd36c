// The rows of the bench table, made from the bench files' JSON (bench/*.bench.ts) and the targets:
// what `npm run bench` prints and records with each run in bench/history/. Each row keeps, besides
// the text printed, an `id` that stays the same from run to run, a `short` name and the `figure`
// compared with the target, so scripts/bench-table.mjs can line runs up in the README's history.

export const TARGETS = {
  appendRatio: 0.35,
  hydratePerSec: 50_000,
  rssMb: 300,
  runnerScanMs: 20,
  syncRatio: 0.3,
  // issue 15: a new replica with a year of use, and decisions with a long history
  inboxUsableSeconds: 2,
  yearHydratePerSec: 50_000,
  hydrationLongTaskMs: 100,
  decisionMs: 50,
  decisionLongTasks: 0,
  heapMb: 30,
  // issue 15, the engine half: start with a big log, the history keeper's steps, a year's file
  startSeconds: 1,
  historyStepMs: 100,
  yearDbMb: 30,
};

const int = (n) => Math.round(n).toLocaleString('en');
const yesNo = (ok) => (ok ? 'yes' : 'NO');
const secs = (s) => s.toFixed(1);
const range = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)}`;
};

/** A row for a bench that produced nothing in this run (skipped or failed), with the reason. */
function notMeasured(id, short, bench, why, target = '') {
  return { id, short, bench, result: `not measured: ${why}`, reference: '', ratio: '', target, met: target ? 'not measured' : '', figure: 'not measured' };
}

function appendRow(engine) {
  const w = engine.workload;
  const a = engine.append;
  const parts = a.partsSeconds.map((s, i) => a.rawPartsSeconds[i] / s);
  return {
    id: 'append',
    short: 'append, ratio to raw',
    bench: `append through sync.push (zod parse, size check, Store.push): ${int(w.changes)} changes over ${int(w.records)} records, batches of ${int(w.batch)}`,
    result: `${int(a.perSec)} changes/s (${secs(a.seconds)} s; of it the zod parse ${secs(a.parseSeconds)} s, writing the pending records at the end ${secs(a.settleSeconds)} s)`,
    reference: `raw inserts of the same rows: ${int(engine.rawInsert.perSec)} rows/s; ratio in each tenth of the run: ${range(parts)}`,
    ratio: engine.appendRatio.toFixed(2),
    target: `>= ${TARGETS.appendRatio} of raw`,
    met: yesNo(engine.appendRatio >= TARGETS.appendRatio),
    figure: engine.appendRatio.toFixed(2),
  };
}

function engineRows(engine, failure) {
  if (!engine) {
    return [
      notMeasured('append', 'append, ratio to raw', 'append through sync.push', failure, `>= ${TARGETS.appendRatio} of raw`),
      notMeasured('rebuild', 'rebuild equal', 'projection rebuild', failure, 'equal'),
      notMeasured('rss', 'engine RSS', 'engine RSS', failure, `< ${TARGETS.rssMb} MB`),
    ];
  }
  const w = engine.workload;
  return [
    appendRow(engine),
    {
      id: 'pull',
      short: 'pull',
      bench: `pull: ${int(w.changes)} changes in pages of 5,000`,
      result: `${int(engine.pull.perSec)} changes/s (${secs(engine.pull.seconds)} s)`,
      reference: '',
      ratio: '',
      target: '',
      met: '',
      figure: `${int(engine.pull.perSec)}/s`,
    },
    {
      id: 'pointRead',
      short: 'point read',
      bench: 'point read of a record by id',
      result: `${int(engine.pointRead.engine)} reads/s (Store.get)`,
      reference: `raw SQL: ${int(engine.pointRead.raw)} reads/s`,
      ratio: engine.pointRead.ratio.toFixed(2),
      target: '',
      met: '',
      figure: engine.pointRead.ratio.toFixed(2),
    },
    {
      id: 'rebuild',
      short: 'rebuild equal',
      bench: `projection rebuild from ${int(w.changes)} changes`,
      result: `${secs(engine.rebuild.seconds)} s`,
      reference: `equals the incremental projection: ${engine.rebuild.equal ? 'yes' : 'NO'}`,
      ratio: '',
      target: 'equal',
      met: yesNo(engine.rebuild.equal),
      figure: engine.rebuild.equal ? 'equal' : 'differs',
    },
    {
      id: 'rss',
      short: 'engine RSS',
      bench: `engine RSS after ${int(w.changes)} changes`,
      result: `${int(engine.rssMb)} MB`,
      reference: `of which V8 heap ${int(engine.memoryMb.heapTotal)} MB (${int(engine.memoryMb.heapUsed)} MB in use); database ${int(engine.dbMb)} MB`,
      ratio: '',
      target: `< ${TARGETS.rssMb} MB`,
      met: yesNo(engine.rssMb < TARGETS.rssMb),
      figure: `${int(engine.rssMb)} MB`,
    },
  ];
}

function hydrateRow(hydrate, why) {
  const target = `>= ${int(TARGETS.hydratePerSec)} records/s`;
  if (!hydrate) return notMeasured('hydrate', 'hydrate, records/s', 'hydrate a new replica (Chromium)', why, target);
  const s = (values) => values.map(secs).join(', ');
  return {
    id: 'hydrate',
    short: 'hydrate, records/s',
    bench: `hydrate a new replica: ${int(hydrate.records)} records in pages of ${int(hydrate.pageSize)}, Chromium + Dexie`,
    result: `${int(hydrate.perSec)} records/s (median of ${hydrate.runsSeconds.length} runs: ${secs(hydrate.coldSeconds)} s cold, then ${s(hydrate.warmSeconds)} s)`,
    reference: `bare IndexedDB puts of the same chunk rows: ${int(hydrate.rawIdbChunksPerSec)} records/s (median of ${hydrate.rawIdbChunksRunsSeconds.length}: ${hydrate.rawIdbChunksRunsSeconds.map((x) => x.toFixed(2)).join(', ')} s); fetching the pages alone: ${secs(hydrate.breakdown.fetchOnlyMs / 1000)} s; for context, one row per record: ${int(hydrate.rawIdbPerSec)} records/s (${int(hydrate.rawIdbNoIndexPerSec)} without the index)`,
    ratio: `${hydrate.ratio.toFixed(2)} of bare chunk puts`,
    target,
    met: yesNo(hydrate.perSec >= TARGETS.hydratePerSec),
    figure: int(hydrate.perSec),
  };
}

const ms = (n) => `${int(n)} ms`;
const longTaskText = (t) => (t.count === 0 ? 'none' : `${t.count} (longest ${int(t.longestMs)} ms, ${t.over100ms} over 100 ms)`);

function yearRows(year, why) {
  const ids = [
    ['yearInbox', 'year: Inbox usable', `< ${TARGETS.inboxUsableSeconds} s`],
    ['yearHydrate', 'year: hydrate, records/s', `>= ${int(TARGETS.yearHydratePerSec)} records/s`],
    ['yearLongTasks', 'year: longest task', `no task over ${TARGETS.hydrationLongTaskMs} ms`],
  ];
  if (!year) return ids.map(([id, short, target]) => notMeasured(id, short, 'a new replica with a year of use (the app in Chromium)', why, target));
  const size = `a year of use at ${int(year.changes)} changes (${int(year.records)} records: ${int(year.summary.decidedProposals)} decided and ${year.summary.pendingProposals} pending proposals, ${int(year.summary.iterations)} runs, tasks and notes)`;
  const runs = (pick) => year.runs.map(pick).join(', ');
  const inboxSeconds = year.inboxUsableMs / 1000;
  const longest = year.longTasks.longestMs;
  return [
    {
      id: 'yearInbox',
      short: ids[0][1],
      bench: `new replica, ${size}: navigation to every pending card actionable in the Inbox`,
      result: `${secs(inboxSeconds)} s (median of ${year.runs.length}: ${runs((r) => secs(r.inboxUsableMs / 1000))} s)`,
      reference: `hydration done at ${runs((r) => secs(r.hydratedMs / 1000))} s`,
      ratio: '',
      target: ids[0][2],
      met: yesNo(inboxSeconds < TARGETS.inboxUsableSeconds),
      figure: `${secs(inboxSeconds)} s`,
    },
    {
      id: 'yearHydrate',
      short: ids[1][1],
      bench: `new replica, ${size}: hydration in the app's worker, first request to last write`,
      result: `${int(year.perSec)} records/s (${secs(year.hydrationMs / 1000)} s; runs: ${runs((r) => int(r.perSec))} records/s)`,
      reference: `fetching the same pages alone: ${int(year.fetchOnlyPerSec)} records/s (${secs(year.fetchOnlyMs / 1000)} s)`,
      ratio: `${(year.perSec / year.fetchOnlyPerSec).toFixed(2)} of fetching alone`,
      target: ids[1][2],
      met: yesNo(year.perSec >= TARGETS.yearHydratePerSec),
      figure: int(year.perSec),
    },
    {
      id: 'yearLongTasks',
      short: ids[2][1],
      bench: `new replica, ${size}: the page's long tasks while it hydrates`,
      result: `worst run: ${longTaskText(year.longTasks)}; per run: ${runs((r) => int(r.longTasks.longestMs))} ms`,
      reference: `loading the app before it: ${runs((r) => longTaskText(r.bootLongTasks))}`,
      ratio: '',
      target: ids[2][2],
      met: yesNo(longest <= TARGETS.hydrationLongTaskMs),
      figure: ms(longest),
    },
  ];
}

function decisionRows(d, why) {
  const ids = [
    ['decision', 'decision: card gone', `< ${TARGETS.decisionMs} ms median`],
    ['decisionLongTasks', 'decision: long tasks', 'none'],
    ['decisionHeap', 'decision: page heap', `< ${TARGETS.heapMb} MB`],
  ];
  if (!d) return ids.map(([id, short, target]) => notMeasured(id, short, 'Inbox decisions (the app in Chromium)', why, target));
  const { history: h, reference: r } = d;
  const setting = `Inbox with ${h.pending} pending and ${int(h.decided)} decided proposals`;
  return [
    {
      id: 'decision',
      short: ids[0][1],
      bench: `${setting}: Approve, click to the first frame without the card (${h.runsMs.length} decisions)`,
      result: `${h.medianMs.toFixed(1)} ms median (slowest ${Math.max(...h.runsMs).toFixed(1)} ms)`,
      reference: `with ${int(r.decided)} decided: ${r.medianMs.toFixed(1)} ms median (slowest ${Math.max(...r.runsMs).toFixed(1)} ms)`,
      ratio: `${(h.medianMs / r.medianMs).toFixed(2)}x`,
      target: ids[0][2],
      met: yesNo(h.medianMs < TARGETS.decisionMs),
      figure: `${h.medianMs.toFixed(1)} ms`,
    },
    {
      id: 'decisionLongTasks',
      short: ids[1][1],
      bench: `${setting}: the page's long tasks during the ${h.runsMs.length} decisions`,
      result: longTaskText(h.longTasks),
      reference: `with ${int(r.decided)} decided: ${longTaskText(r.longTasks)}`,
      ratio: '',
      target: ids[1][2],
      met: yesNo(h.longTasks.count <= TARGETS.decisionLongTasks),
      figure: String(h.longTasks.count),
    },
    {
      id: 'decisionHeap',
      short: ids[2][1],
      bench: `${setting}: the page's JS heap in use after the decisions (after a GC)`,
      result: `${h.heapMb.toFixed(1)} MB`,
      reference: `with ${int(r.decided)} decided: ${r.heapMb.toFixed(1)} MB`,
      ratio: `${(h.heapMb / r.heapMb).toFixed(2)}x`,
      target: ids[2][2],
      met: yesNo(h.heapMb < TARGETS.heapMb),
      figure: `${h.heapMb.toFixed(1)} MB`,
    },
  ];
}

function runnerRows(r, failure) {
  const target = `< ${TARGETS.runnerScanMs} ms per tick`;
  if (!r) return [notMeasured('runnerScan', 'runner due scan', 'runner tick: find the due missions', failure, target)];
  const s = r.size;
  const ms = (values) => values.map((v) => v.toFixed(1)).join(', ');
  return [
    {
      id: 'runnerScan',
      short: 'runner due scan',
      bench: `runner tick: find ${s.due} due of ${int(s.missions)} missions in ${int(s.changes)} changes`,
      result: `${r.scan.projectionMs.toFixed(1)} ms per tick (median of ${r.scan.projectionRunsMs.length}: ${ms(r.scan.projectionRunsMs)} ms, the first cold)`,
      reference: `full LWW replay of the missions' ${int(r.scan.replayedChanges)} changes: ${int(r.scan.replayMs)} ms (median of ${r.scan.replayRunsMs.length})`,
      ratio: `${int(r.scan.ratio)}x faster`,
      target,
      met: yesNo(r.scan.projectionMs < TARGETS.runnerScanMs),
      figure: `${r.scan.projectionMs.toFixed(1)} ms`,
    },
    {
      id: 'runnerTick',
      short: 'runner tick',
      bench: `runner tick planning all ${s.due} due missions, LLM answering at once (in-process)`,
      result: `${int(r.tick.ms)} ms per tick (${r.tick.perMissionMs.toFixed(2)} ms per mission; median of ${r.tick.runsMs.length}: ${r.tick.runsMs.map(int).join(', ')} ms)`,
      reference: 'inputs, prompt, parse, one write transaction each',
      ratio: '',
      target: '',
      met: '',
      figure: `${int(r.tick.ms)} ms`,
    },
    {
      id: 'runnerConcurrency',
      short: 'runner concurrency',
      bench: `runner: ${s.concurrencyMissions} due missions, scripted LLM answering after ${s.llmDelayMs} ms`,
      result: `${secs(r.concurrency.parallelMs / 1000)} s at concurrency ${r.concurrency.defaultConcurrency} (default)`,
      reference: `one at a time: ${secs(r.concurrency.serialMs / 1000)} s`,
      ratio: `${r.concurrency.ratio.toFixed(2)}x faster`,
      target: '',
      met: '',
      figure: `${r.concurrency.ratio.toFixed(2)}x`,
    },
  ];
}

const mbText = (n) => `${n.toFixed(1)} MB`;

/** The history bench (bench/history.bench.ts): start → ready with a big log, the history run's longest step, a year's database. */
function historyRows(h, failure) {
  const startTarget = `< ${TARGETS.startSeconds} s`;
  const stepTarget = `< ${TARGETS.historyStepMs} ms`;
  const dbTarget = `< ${TARGETS.yearDbMb} MB`;
  const rows = [];
  const s = h?.start;
  if (!s) {
    rows.push(notMeasured('startClean', 'start → ready', 'host start → ready with a year of use', failure, startTarget));
  } else {
    const runs = (values) => values.map((v) => v.toFixed(2)).join(', ');
    rows.push(
      {
        id: 'startClean',
        short: 'start → ready',
        bench: `host start → ready (\`cli.js serve\`), a year of use at ${int(s.changes)} changes (${int(s.dbMb)} MB), after a clean shutdown`,
        result: `${s.cleanSeconds.toFixed(2)} s (median of ${s.cleanRunsSeconds.length}: ${runs(s.cleanRunsSeconds)} s)`,
        reference: `the same start on an empty data dir: ${s.emptySeconds.toFixed(2)} s (median of ${s.emptyRunsSeconds.length}: ${runs(s.emptyRunsSeconds)} s)`,
        ratio: '',
        target: startTarget,
        met: yesNo(s.cleanSeconds < TARGETS.startSeconds),
        figure: `${s.cleanSeconds.toFixed(2)} s`,
      },
      {
        id: 'startUnclean',
        short: 'start → ready after a kill',
        bench: `the same start after a killed host (the full integrity check runs)`,
        result: `${s.uncleanSeconds.toFixed(2)} s (median of ${s.uncleanRunsSeconds.length}: ${runs(s.uncleanRunsSeconds)} s)`,
        reference: `of it the full check: ${s.uncleanCheckRunsMs.map(int).join(', ')} ms`,
        ratio: '',
        target: '',
        met: '',
        figure: `${s.uncleanSeconds.toFixed(2)} s`,
      },
    );
  }
  const p = h?.pause;
  if (!p) {
    rows.push(notMeasured('historyStep', 'history run, longest step', "the history keeper's run on a year of use", failure, stepTarget));
  } else {
    rows.push({
      id: 'historyStep',
      short: 'history run, longest step',
      bench: `the history keeper's run on that year (horizon ${p.horizonDays} days): archive, compact, prune in steps`,
      result: `longest step ${int(p.longestStepMs)} ms (${p.longestStep ?? '—'}); ${int(p.steps)} steps, ${secs(p.totalSeconds)} s in all`,
      reference: `archived ${int(p.archivedRuns)} runs and ${int(p.archivedProposals)} proposals, compacted ${int(p.compactedChanges)} changes: the log ${int(p.logRowsBefore)} → ${int(p.logRowsAfter)} rows, the file ${int(p.dbMbBefore)} → ${int(p.dbMbAfter)} MB, of it ${int(p.freeMbAfter ?? 0)} MB free pages for later writes`,
      ratio: '',
      target: stepTarget,
      met: yesNo(p.longestStepMs < TARGETS.historyStepMs),
      figure: `${int(p.longestStepMs)} ms`,
    });
  }
  const y = h?.year;
  if (!y) {
    rows.push(notMeasured('yearDb', 'a year lived, DB size', 'database after a year lived', failure, dbTarget));
  } else {
    const largest = Object.entries(y.tables)
      .slice(0, 4)
      .map(([name, mb]) => `${name} ${mb.toFixed(1)}`)
      .join(', ');
    const l = y.lived;
    rows.push({
      id: 'yearDb',
      short: 'a year lived, DB size',
      bench: `database after a year lived: one mission every ${l.everyMinutes} min (${int(l.runs)} runs by the real runner, ${int(l.proposals)} proposals), the user's decisions and ${int(l.userChanges)} changes, the daily history run (horizon 90 days)`,
      result: `${mbText(y.dbMb)} (largest, MB: ${largest}); the daily runs' longest step: ${int(l.longestHistoryStepMs)} ms, median ${int(l.medianLongestHistoryStepMs)} ms`,
      reference: `the same year with nothing compacted or archived: ${mbText(y.uncompacted.dbMb)}`,
      ratio: `${(y.dbMb / y.uncompacted.dbMb).toFixed(2)} of it`,
      target: dbTarget,
      met: yesNo(y.dbMb < TARGETS.yearDbMb),
      figure: mbText(y.dbMb),
    });
  }
  return rows;
}

/** The sync server on PostgreSQL (bench/sync-server.bench.ts): push and pull against raw SQL, idle devices. */
function syncServerRows(r, failure) {
  const target = `>= ${TARGETS.syncRatio} of raw`;
  if (!r) {
    return [
      notMeasured('syncPush', 'sync push, ratio to raw', 'sync server push (PostgreSQL)', failure, target),
      notMeasured('syncPull', 'sync pull, ratio to raw', 'sync server pull (PostgreSQL)', failure, target),
    ];
  }
  const w = r.workload;
  return [
    {
      id: 'syncPush',
      short: 'sync push, ratio to raw',
      bench: `sync server push on PostgreSQL ${r.postgres}: ${int(w.changes)} changes in changesets of ${int(w.batch)}, server in its own process, HTTP on loopback`,
      result: `${int(r.push.perSec)} changes/s`,
      reference: `raw INSERT of the same rows: ${int(r.rawInsert.perSec)} rows/s`,
      ratio: r.pushRatio.toFixed(2),
      target,
      met: yesNo(r.pushRatio >= TARGETS.syncRatio),
      figure: r.pushRatio.toFixed(2),
    },
    {
      id: 'syncPull',
      short: 'sync pull, ratio to raw',
      bench: `sync server pull on PostgreSQL: ${int(w.changes)} changes in ${int(r.pull.pages)} pages`,
      result: `${int(r.pull.perSec)} changes/s`,
      reference: `raw SELECT of the same rows: ${int(r.rawSelect.perSec)} rows/s`,
      ratio: r.pullRatio.toFixed(2),
      target,
      met: yesNo(r.pullRatio >= TARGETS.syncRatio),
      figure: r.pullRatio.toFixed(2),
    },
    {
      id: 'syncIdle',
      short: 'sync server RSS, idle devices',
      bench: `sync server with ${int(r.idle.devices)} devices idle on the live channel`,
      result: `${int(r.idle.rssMb)} MB RSS`,
      reference: `${int(r.idle.rssMbBefore)} MB before they connected (~${int(r.idle.kbPerDevice)} KB per device; V8 heap in use ${int(r.idle.heapUsedMb)} MB)`,
      ratio: '',
      target: '',
      met: '',
      figure: `${int(r.idle.rssMb)} MB`,
    },
  ];
}

/** Three devices' offline changes converging through the sync server (bench/sync-converge.bench.ts). */
function syncConvergeRows(r, failure) {
  const bench = (storage) => `three devices that each made ${r ? int(r.workload.changesPerDevice) : '10,000'} changes offline converge through the sync server (${storage})`;
  if (!r) return [notMeasured('syncConverge', 'sync: 3 devices converge', bench('SQLite, PostgreSQL'), failure)];
  const reference = `appending to each device's store the other two devices' changes directly (${int(r.localApply.changes)} in all): ${secs(r.localApply.seconds)} s`;
  const row = (run, storage, id) => ({
    id,
    short: `sync: 3 devices converge (${storage})`,
    bench: bench(storage),
    result: `${secs(run.seconds)} s (${int(run.records)} records, ${int(run.changesPerDeviceAtEnd)} changes on each device, ${int(run.requests)} requests)`,
    reference,
    ratio: `${(r.localApply.seconds / run.seconds).toFixed(2)} of the direct appends' speed`,
    target: '',
    met: '',
    figure: `${secs(run.seconds)} s`,
  });
  return [
    row(r.sqlite, 'SQLite', 'syncConvergeSqlite'),
    r.postgres ? row(r.postgres, `PostgreSQL ${r.postgres.version}`, 'syncConvergePostgres') : notMeasured('syncConvergePostgres', 'sync: 3 devices converge (PostgreSQL)', bench('PostgreSQL'), r.postgresSkipped ?? 'not run'),
  ];
}

/**
 * Every row of one run. `results` holds each bench's JSON (null when it did not run) and
 * `failures` why (a bench that failed or was skipped still has its targeted rows, marked not measured).
 */
export function benchRows({ engine, hydrate, runner, 'sync-server': syncServer, 'sync-converge': syncConverge, history }, failures = {}) {
  const rows = engineRows(engine, failures.engine ?? 'the engine bench did not run');
  const hydrateAt = rows.findIndex((r) => r.id === 'pointRead');
  const why = failures.hydrate ?? 'the hydrate bench did not run';
  rows.splice(hydrateAt < 0 ? rows.length : hydrateAt, 0, hydrateRow(hydrate, why));
  return [
    ...rows,
    ...runnerRows(runner, failures.runner ?? 'the runner bench did not run'),
    ...yearRows(hydrate?.year, why),
    ...decisionRows(hydrate?.decisions, why),
    ...historyRows(history, failures.history ?? 'the history bench did not run'),
    // runs recorded before the sync server existed have no such key: their tables stay as they were
    ...(syncServer === undefined ? [] : syncServerRows(syncServer, failures['sync-server'] ?? 'the sync server bench did not run')),
    ...(syncConverge === undefined ? [] : syncConvergeRows(syncConverge, failures['sync-converge'] ?? 'the sync convergence bench did not run')),
  ];
}
