// Screenshots of every page at 1280×800 (and two at 800 px wide) into docs/screenshots/, from a
// realistic demo: a scripted LLM, the headless host on a temp data dir, notes/tasks/events/goals, three missions from the
// templates that really ran (proposals pending, approved, rejected, reverted), two weeks of history
// for the charts. Needs a build (npm run build) and a Chromium (CHROMIUM_PATH overrides).
//
//   node scripts/node22.mjs scripts/screenshots.mjs            # writes docs/screenshots/*.png
//   node scripts/node22.mjs scripts/screenshots.mjs --serve    # seeds, then keeps the demo running
//   node scripts/node22.mjs scripts/screenshots.mjs --data-dir DIR --out OUT
//       # every page of an existing database (a copy of it, the runner off), e.g. one kept by
//       # `npm run soak -- --keep DIR`: each page in full length, each mission's page too, into OUT
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { jsonPlanReply, startScriptedLlm } from '../src-main/testing/llm-server/index.ts';
import { CHROMIUM_ARGS, findChromium } from './chromium.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const OUT = join(ROOT, 'docs', 'screenshots');
const CLI = join(ROOT, 'out', 'main', 'cli.js');
const serveOnly = process.argv.includes('--serve');

// ---------------------------------------------------------------------------------------------
// Host and api

async function startHost(dataDir, llmUrl, extraArgs = []) {
  const token = randomBytes(12).toString('hex');
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data-dir', dataDir, '--port', serveOnly ? '5233' : '0', '--token', token, '--llm-base-url', llmUrl, '--llm-model', 'llama3.1:8b', '--tick-interval-ms', '3600000', ...extraArgs],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Companion ready at (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`host exited with ${code}:\n${out}`)));
  });
  const base = new URL(url).origin;
  const api = async (method, input = {}) => {
    const res = await fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const body = await res.json();
    if (!res.ok) throw new Error(`${method}: ${JSON.stringify(body)}`);
    return body;
  };
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    url,
    api,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Demo data

const DAY = 86_400_000;
const now = new Date();
const dayOffset = (n, hour = 9, minute = 0) => {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + n, hour, minute);
  return d;
};
const ymd = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const localDateTime = (d) => `${ymd(d)}T${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
const monday = (() => {
  const d = dayOffset(0);
  return dayOffset(-((d.getDay() + 6) % 7));
})();
const weekday = (i, hour, minute = 0) => new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + i, hour, minute);

let eventCounter = 0;
const insert = (app, table, id, data, extra = {}) => ({ eventId: `seed-${++eventCounter}-${id}`, app, table, id, op: 'insert', data, ...extra });

function moduleRecords() {
  const created = dayOffset(-3).toISOString();
  return [
    insert('notes', 'notes', 'note-standup', {
      title: 'Team stand-up, Monday',
      content:
        '## Decisions\n\n- Ship the **budget draft** to Maria by Friday.\n- Anna owns the supplier call; needs our numbers first.\n\n## Open questions\n\n1. Do we renew the design tool licence?\n2. Who covers support next week?\n',
      tags: ['work', 'meetings'],
      createdAt: created,
      updatedAt: dayOffset(-1, 10).toISOString(),
    }),
    insert('notes', 'notes', 'note-q1', {
      title: 'Q1 budget: open points',
      content:
        '| Item | Owner | Status |\n| --- | --- | --- |\n| Supplier quote | Anna | waiting |\n| Design tool licence | me | ~~renew~~ decide |\n| Travel | Maria | approved |\n\n- [x] Collect last year’s numbers\n- [ ] Draft the summary\n- [ ] Send to Maria\n\nSource: https://intranet.example.com/finance/budgets/2027/q1/planning-spreadsheet-final-version-with-all-departments-v3.xlsx\n',
      tags: ['work', 'budget'],
      createdAt: created,
      updatedAt: dayOffset(-1, 9).toISOString(),
    }),
    insert('notes', 'notes', 'note-ideas', {
      title: 'Weekend ideas',
      content: '- Climbing gym with Sam\n- Try the new ramen place\n- Fix the bike light',
      tags: ['personal'],
      createdAt: created,
      updatedAt: dayOffset(-2, 20).toISOString(),
    }),
    insert('notes', 'notes', 'note-reading', {
      title: 'Reading list',
      content: '> Make it work, make it right, make it fast.\n\n- *Designing Data-Intensive Applications*, ch. 5\n- Local-first software (Kleppmann et al.)',
      tags: ['reading'],
      createdAt: created,
      updatedAt: dayOffset(-4, 21).toISOString(),
    }),
    insert('kontext', 'kontextDoc', 'default', {
      content: 'I lead a small product team. Mornings are for focused work; meetings after 13:00. I run three times a week.',
      updatedAt: created,
    }),
    insert('todo', 'tasks', 'task-call-anna', { title: 'Call Anna about the supplier', priority: 'medium', done: false, createdAt: created, dueDate: null }),
    insert('todo', 'tasks', 'task-expenses', { title: 'Submit October expenses', priority: 'low', done: false, createdAt: created, dueDate: ymd(dayOffset(-2)) }),
    insert('todo', 'tasks', 'task-dentist', { title: 'dentist', priority: null, done: false, createdAt: created, dueDate: null }),
    insert('todo', 'tasks', 'task-licence', { title: 'Decide on the design tool licence', priority: 'medium', done: false, createdAt: created, dueDate: ymd(dayOffset(3)) }),
    insert('todo', 'tasks', 'task-plants', { title: 'Water the plants', priority: 'low', done: true, completedAt: dayOffset(-1, 18).toISOString(), createdAt: created }),
    insert('calendar', 'events', 'event-standup', {
      title: 'Team stand-up',
      startTime: weekday(0, 13, 30).toISOString(),
      endTime: weekday(0, 14, 0).toISOString(),
      location: 'Room 2',
      createdAt: created,
    }),
    insert('calendar', 'events', 'event-review', {
      title: 'Budget review with Maria',
      startTime: weekday(4, 14, 0).toISOString(),
      endTime: weekday(4, 15, 0).toISOString(),
      location: 'Video call',
      createdAt: created,
    }),
    insert('calendar', 'events', 'event-run', { title: 'Run', startTime: weekday(2, 7, 0).toISOString(), endTime: weekday(2, 7, 45).toISOString(), createdAt: created }),
    insert('goals', 'goals', 'goal-run', { title: 'Run', targetValue: 3, currentValue: 1, period: 'week', createdAt: created }),
    insert('goals', 'goals', 'goal-read', { title: 'Read 20 pages', targetValue: 7, currentValue: 5, period: 'week', createdAt: created }),
    insert('goals', 'goals', 'goal-save', { title: 'Save for the trip', targetValue: 1500, currentValue: 900, period: 'month', createdAt: created }),
  ];
}

const MISSIONS = [
  {
    id: 'mission-weekly',
    title: 'Weekly planning from my notes',
    objective: 'Read my notes and my calendar for the coming week and propose what gets me through it: concrete tasks with due dates and priorities, and calendar blocks for focused work.',
    conceptMarkdown: '## How I plan\n\n- One task per concrete next step, with a verb first.\n- **High** priority only for what has a deadline.\n- Block at most two hours of focus per day.\n',
    cadence: { kind: 'weekly', dayOfWeek: 1, atHour: 8, atMinute: 0 },
    inputs: [
      { module: 'notes', table: 'notes', id: 'note-standup' },
      { module: 'kontext', table: 'kontextDoc', id: 'default' },
    ],
  },
  {
    id: 'mission-inbox',
    title: 'Inbox zero for tasks',
    objective: 'Go through my open tasks. Propose completing what is clearly done, setting due dates and priorities where missing, and rewording vague tasks.',
    conceptMarkdown: '## Rules\n\n- Never delete anything.\n- Overdue tasks get a new realistic due date.\n',
    cadence: { kind: 'daily', atHour: 9, atMinute: 0 },
    inputs: [],
  },
  {
    id: 'mission-goals',
    title: 'Goal check-in',
    objective: "Check my goals' progress for this week, propose progress updates backed by my tasks and notes, and one small task per goal that is behind.",
    conceptMarkdown: 'Encouraging, factual. A goal behind schedule gets one small, doable task.',
    cadence: { kind: 'weekly', dayOfWeek: 5, atHour: 17, atMinute: 0 },
    inputs: [
      { module: 'goals', table: 'goals', id: 'goal-run' },
      { module: 'goals', table: 'goals', id: 'goal-read' },
    ],
  },
  {
    id: 'mission-reading',
    title: 'Summarise my reading list',
    objective: 'Once a week, summarise what I read into a note.',
    conceptMarkdown: '',
    cadence: { kind: 'manual' },
    inputs: [{ module: 'notes', table: 'notes', id: 'note-reading' }],
  },
];

/** The next run of a daily/weekly cadence on this machine's clock (the host runs here too). */
function nextAt(cadence) {
  if (cadence.kind !== 'daily' && cadence.kind !== 'weekly') return null;
  for (let i = 0; i <= 7; i++) {
    const d = dayOffset(i, cadence.atHour, cadence.atMinute);
    if (cadence.kind === 'weekly' && d.getDay() !== cadence.dayOfWeek) continue;
    if (d > now) return d.toISOString();
  }
  return null;
}

function missionRecords() {
  return MISSIONS.map((m, i) =>
    insert('ai', 'aiMissions', m.id, {
      ...m,
      state: 'active',
      agentId: m.id === 'mission-reading' ? 'agent-researcher' : 'agent:default',
      nextRunAt: nextAt(m.cadence),
      failureStreak: 0,
      needsAttention: false,
      createdAt: new Date(now.getTime() - (14 - i) * DAY).toISOString(),
    }),
  );
}

function agentRecords() {
  return [
    insert('ai', 'agents', 'agent:default', {
      name: 'Companion',
      role: 'Plans your missions and proposes changes for you to review.',
      systemPrompt: 'Be brief. Prefer fewer, clearer changes.',
      policy: { tools: { list_tasks: 'auto', list_notes: 'auto' }, modules: {}, fallback: null },
      maxTokensPerDay: 60000,
      maxConcurrentMissions: 4,
      state: 'active',
    }),
    insert('ai', 'agents', 'agent-researcher', {
      name: 'Researcher',
      role: 'Reads and summarises; never touches tasks or the calendar.',
      systemPrompt: 'Summaries in bullet points, with the source in brackets.',
      policy: { tools: {}, modules: { todo: 'deny', calendar: 'deny', notes: 'propose' }, fallback: null },
      maxTokensPerDay: 20000,
      maxConcurrentMissions: 1,
      state: 'active',
    }),
  ];
}

/**
 * Two weeks of past runs and decisions, so the Activity charts have something to show. Pushed as
 * seed data: sync.push takes only the user's changes (the runner's actor and origin are the
 * engine's own), so these runs are the seed's, not the runner's.
 */
function historyRecords() {
  const changes = [];
  const tools = [
    ['create_task', { title: 'Prepare the sprint demo', priority: 'high' }],
    ['create_event', { title: 'Focus: roadmap', startTime: localDateTime(dayOffset(-6, 9)), endTime: localDateTime(dayOffset(-6, 11)) }],
    ['update_task', { taskId: 'task-licence', priority: 'high' }],
    ['append_to_note', { noteId: 'note-standup', content: '- follow up with Anna' }],
    // not the live plan's "log 1 run" of this week: that one would be refused as already done
    ['update_goal_progress', { goalId: 'goal-run', value: 2 }],
    ['complete_task', { taskId: 'task-plants' }],
  ];
  const outcomes = ['approved', 'approved', 'rejected', 'approved', 'reverted', 'approved', 'rejected'];
  let n = 0;
  for (let day = 13; day >= 1; day--) {
    const runs = 1 + ((day * 7) % 3);
    for (let r = 0; r < runs; r++) {
      const mission = MISSIONS[(day + r) % 3];
      const agentId = r === 2 ? 'agent-researcher' : 'agent:default';
      const startedAt = dayOffset(-day, 8 + r * 3, 5);
      const failed = (day + r) % 6 === 0;
      const iterationId = `history-${day}-${r}`;
      const steps = [];
      const proposals = failed ? 0 : 1 + ((day + r) % 3);
      for (let s = 0; s < proposals; s++) {
        const [toolName, params] = tools[(n + s) % tools.length];
        const status = outcomes[(n + s) % outcomes.length];
        const proposalId = `${iterationId}.${s}`;
        steps.push({ index: s, summary: '', toolName, params, rationale: 'From the weekly notes.', kind: 'write', policy: 'propose', proposalId });
        const decidedAt = new Date(startedAt.getTime() + 3 * 3600_000).toISOString();
        changes.push(
          insert('ai', 'aiProposals', proposalId, {
            missionId: mission.id,
            iterationId,
            agentId,
            missionTitle: mission.title,
            agentName: agentId === 'agent-researcher' ? 'Researcher' : 'Companion',
            module: toolName.includes('task') ? 'todo' : toolName.includes('event') ? 'calendar' : toolName.includes('note') ? 'notes' : 'goals',
            toolName,
            params,
            rationale: 'From the weekly notes.',
            status,
            createdAt: startedAt.toISOString(),
            decidedAt,
            decidedBy: 'user:local',
            feedback: status === 'rejected' ? 'Not this week.' : null,
            revertedAt: status === 'reverted' ? new Date(startedAt.getTime() + 5 * 3600_000).toISOString() : null,
          }),
        );
      }
      n += proposals;
      changes.push(
        insert(
          'ai',
          'aiIterations',
          iterationId,
          {
            missionId: mission.id,
            agentId,
            source: 'runner',
            startedAt: startedAt.toISOString(),
            finishedAt: new Date(startedAt.getTime() + 2400 + r * 900).toISOString(),
            status: failed ? 'failed' : proposals ? 'done' : 'done',
            summary: failed ? 'The plan could not be made.' : `Planned ${proposals} change${proposals === 1 ? '' : 's'}.`,
            steps,
            model: 'llama3.1:8b',
            usage: { promptTokens: 1800 + day * 40, completionTokens: 300 + r * 120, totalTokens: 2100 + day * 40 + r * 120 },
            latencyMs: 2100 + r * 800,
            promptVersion: 'plan-v2',
            plannerMode: 'tools',
            error: failed ? 'The LLM at http://127.0.0.1:11434/v1 did not answer within 120 s.' : null,
          },
        ),
      );
    }
  }
  return changes;
}

const PLANS = {
  'mission-goals': {
    summary: 'Running is behind; reading on track.',
    steps: [
      { summary: 'Log Wednesday’s run', toolName: 'update_goal_progress', params: { goalId: 'goal-run', value: 1 }, rationale: 'The calendar shows a run on Wednesday morning.' },
      { summary: 'Plan one more run', toolName: 'create_task', params: { title: 'Go for a 30-minute run', dueDate: ymd(weekday(5, 9)), priority: 'medium' }, rationale: 'One run short of the weekly target.' },
    ],
  },
  'mission-inbox': {
    summary: 'Two tasks need a date, one is done, one is vague.',
    steps: [
      { summary: 'Expenses were submitted', toolName: 'complete_task', params: { taskId: 'task-expenses' }, rationale: 'Your note from Tuesday says the expenses went out.' },
      { summary: 'Make the dentist task concrete', toolName: 'update_task', params: { taskId: 'task-dentist', title: 'Book a dentist appointment', priority: 'low', dueDate: ymd(dayOffset(6)) }, rationale: '“dentist” is not a next step; booking is.' },
    ],
  },
  'mission-weekly': {
    summary: 'A plan for the week from Monday’s stand-up.',
    steps: [
      { summary: 'Budget draft', toolName: 'create_task', params: { title: 'Draft the Q1 budget for Maria', dueDate: ymd(weekday(4, 9)), priority: 'high', description: 'Numbers for Anna first (supplier call).' }, rationale: 'Stand-up: ship the budget draft to Maria by Friday.' },
      { summary: 'Focus block', toolName: 'create_event', params: { title: 'Focus: budget draft', startTime: localDateTime(weekday(1, 9)), endTime: localDateTime(weekday(1, 11)) }, rationale: 'Mornings are for focused work; Tuesday is free.' },
      { summary: 'Anna needs the numbers', toolName: 'update_task', params: { taskId: 'task-call-anna', dueDate: ymd(weekday(3, 9)), priority: 'high' }, rationale: 'Anna owns the supplier call and needs our numbers first.' },
      { summary: 'Record the follow-ups', toolName: 'append_to_note', params: { noteId: 'note-standup', content: '## Follow-ups\n\n- Budget draft → Maria (Fri)\n- Numbers → Anna (Thu)' }, rationale: 'Keeps the stand-up note the single place for decisions.' },
    ],
  },
};

async function seed(api, llm) {
  await api('sync.push', { clientId: 'demo-seed', changes: [...moduleRecords(), ...agentRecords(), ...missionRecords(), ...historyRecords()] });
  const proposalsOf = async (missionId) =>
    (await api('records.list', { app: 'ai', table: 'aiProposals', limit: 10000 })).records.filter((r) => r.data.missionId === missionId && r.data.status === 'pending');

  llm.enqueue(jsonPlanReply(PLANS['mission-goals']));
  await api('missions.runNow', { missionId: 'mission-goals' });
  const goals = await proposalsOf('mission-goals');
  await api('proposals.approve', { proposalId: goals.find((p) => p.data.toolName === 'update_goal_progress').id });
  await api('proposals.reject', { proposalId: goals.find((p) => p.data.toolName === 'create_task').id, feedback: 'I already booked a climbing session instead.' });

  llm.enqueue(jsonPlanReply(PLANS['mission-inbox']));
  await api('missions.runNow', { missionId: 'mission-inbox' });
  const inbox = await proposalsOf('mission-inbox');
  await api('proposals.approve', { proposalId: inbox.find((p) => p.data.toolName === 'complete_task').id });
  await api('proposals.approve', { proposalId: inbox.find((p) => p.data.toolName === 'update_task').id });

  llm.enqueue({ status: 500, body: { error: { message: 'model "llama3.1:8b" is loading, try again', type: 'server_error' } } });
  await api('missions.runNow', { missionId: 'mission-reading' }).catch(() => {});

  llm.enqueue({ ...jsonPlanReply(PLANS['mission-weekly']), usage: { prompt_tokens: 2380, completion_tokens: 412 } });
  await api('missions.runNow', { missionId: 'mission-weekly' });
  const weekly = await proposalsOf('mission-weekly');
  await api('proposals.approve', { proposalId: weekly.find((p) => p.data.toolName === 'create_task').id });
}

// ---------------------------------------------------------------------------------------------
// Pages

const PAGES = [
  { name: 'inbox', hash: '#/inbox', ready: { role: 'heading', name: 'Inbox' } },
  { name: 'missions', hash: '#/missions', ready: { role: 'heading', name: 'Missions' } },
  { name: 'mission', hash: '#/missions/mission-weekly', ready: { role: 'heading', name: 'Weekly planning from my notes' } },
  { name: 'mission-editor', hash: '#/missions/new/weekly-planning', ready: { role: 'heading', name: 'New mission' } },
  { name: 'todo', hash: '#/todo', ready: { role: 'heading', name: 'Todo' } },
  {
    name: 'notes',
    hash: '#/notes',
    ready: { role: 'heading', name: 'Notes' },
    before: async (page) => {
      // The note with a table and a task list (GitHub-flavoured Markdown), scrolled into view.
      await page.getByRole('button', { name: /^Q1 budget: open points/ }).click();
      await page.getByRole('article', { name: 'Note: Q1 budget: open points' }).scrollIntoViewIfNeeded();
    },
  },
  { name: 'calendar', hash: '#/calendar', ready: { role: 'heading', name: 'Calendar' } },
  { name: 'goals', hash: '#/goals', ready: { role: 'heading', name: 'Goals' } },
  { name: 'agents', hash: '#/agents', ready: { role: 'heading', name: 'Agents' } },
  { name: 'agent', hash: '#/agents/agent-researcher', ready: { role: 'heading', name: 'Researcher' } },
  { name: 'activity', hash: '#/activity', ready: { role: 'heading', name: 'Activity' } },
  { name: 'settings', hash: '#/settings', ready: { role: 'heading', name: 'Settings' } },
];

async function shoot(browser, url, pages, colorScheme, suffix = '', viewport = { width: 1280, height: 800 }, out = OUT, fullPage = false) {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  for (const p of pages) {
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, p.hash);
    await page.getByRole(p.ready.role, { name: p.ready.name, level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    if (p.before) await p.before(page);
    await page.mouse.move(0, 0); // no hover effects or chart tooltips left from a click
    await page.waitForTimeout(600); // animations and the last sync settle
    await page.screenshot({ path: join(out, `${p.name}${suffix}.png`), fullPage });
    console.log(`  ${p.name}${suffix}.png`);
  }
  await context.close();
  return errors;
}

async function main() {
  if (!existsSync(CLI)) throw new Error('Build first: npm run build');
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found; set CHROMIUM_PATH');
  const dataDir = await mkdtemp(join(tmpdir(), 'companion-shots-'));
  const llm = await startScriptedLlm({ models: ['llama3.1:8b', 'qwen2.5:14b', 'mistral-nemo'], port: serveOnly ? 5234 : 0 });
  const host = await startHost(dataDir, llm.url);
  const browser = serveOnly ? null : await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    await mkdir(OUT, { recursive: true });
    if (browser) {
      // The first-run page, before there is any mission.
      console.log('Screenshots:');
      const welcome = await shoot(browser, host.url, [{ name: 'welcome', hash: '', ready: { role: 'heading', name: 'Welcome to Mission Companion' } }], 'light');
      if (welcome.length) console.warn('console errors:', welcome);
    }
    await seed(host.api, llm);
    if (serveOnly) {
      console.log(`Demo running at ${host.url} (scripted LLM at ${llm.url}); Ctrl+C to stop.`);
      await new Promise((resolve) => process.once('SIGINT', resolve));
      return;
    }
    const errors = await shoot(browser, host.url, PAGES, 'light');
    errors.push(...(await shoot(browser, host.url, [PAGES[0], PAGES[2], PAGES[10]], 'dark', '-dark')));
    // A narrow window (800 px): nothing scrolls sideways, the status bar stays on one line.
    errors.push(...(await shoot(browser, host.url, [PAGES[0], PAGES[5]], 'light', '-narrow', { width: 800, height: 800 })));
    if (errors.length) {
      console.error('Console errors while shooting:\n' + errors.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await browser?.close();
    await host.stop();
    await llm.close();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** Every page of an existing database, in full length: the general pages, then each mission and agent. */
async function shootDataDir(source, out) {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found; set CHROMIUM_PATH');
  const dataDir = await mkdtemp(join(tmpdir(), 'companion-shots-'));
  await cp(source, dataDir, { recursive: true });
  const host = await startHost(dataDir, 'http://127.0.0.1:9/v1', ['--no-runner']);
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    await mkdir(out, { recursive: true });
    const titles = async (app, table, field) => (await host.api('records.list', { app, table, limit: 10000 })).records.map((r) => ({ id: r.id, title: r.data[field] }));
    const missions = (await titles('ai', 'aiMissions', 'title')).map((m) => ({ name: `mission-${m.id}`, hash: `#/missions/${m.id}`, ready: { role: 'heading', name: m.title } }));
    const agents = (await titles('ai', 'agents', 'name')).map((a) => ({ name: `agent-${a.id.replace(/[^\w-]/g, '-')}`, hash: `#/agents/${a.id}`, ready: { role: 'heading', name: a.title } }));
    const general = PAGES.filter((p) => !['mission', 'agent', 'notes'].includes(p.name)).concat([{ name: 'notes', hash: '#/notes', ready: { role: 'heading', name: 'Notes' } }]);
    console.log(`Screenshots of ${source} into ${out}:`);
    const errors = await shoot(browser, host.url, [...general, ...missions, ...agents], 'light', '', { width: 1280, height: 800 }, out, true);
    if (errors.length) {
      console.error('Console errors while shooting:\n' + errors.join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await host.stop();
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  }
}

const dataDirAt = process.argv.indexOf('--data-dir');
if (dataDirAt >= 0) {
  const outAt = process.argv.indexOf('--out');
  if (!process.argv[dataDirAt + 1] || outAt < 0 || !process.argv[outAt + 1]) throw new Error('--data-dir DIR needs --out OUT (a folder for the screenshots)');
  if (!existsSync(CLI)) throw new Error('Build first: npm run build');
  await shootDataDir(process.argv[dataDirAt + 1], process.argv[outAt + 1]);
} else await main();
