/**
 * Charts of what the runner and the user did over the last two weeks, from the replica. Colours
 * come from CSS variables, so the charts follow the light/dark theme.
 */
import { useMemo, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatDate, formatNumber } from '../../lib/format';
import { useDisplayNames, useProposals } from '../inbox/data';
import { useIterations } from '../missions/data';
import { getTool } from '../../../src-shared/tools/catalog';
import { approvalRateByTool, DAYS_SHOWN, ITERATION_OUTCOMES, iterationsPerDay, lastDays, overallRates, PROPOSAL_OUTCOMES, proposalsPerDay, tokensPerDayPerAgent, type DayRow, type ToolRate } from './stats';

const OUTCOME_COLOR: Record<string, string> = {
  done: 'var(--c-ok)',
  reviewed: 'var(--c-series-2)',
  approved: 'var(--c-ok)',
  'awaiting-review': 'var(--c-accent)',
  pending: 'var(--c-accent)',
  failed: 'var(--c-danger)',
  rejected: 'var(--c-danger-2)',
  skipped: 'var(--c-muted)',
  reverted: 'var(--c-muted)',
  expired: 'var(--c-warn)',
};
const SERIES = ['var(--c-series-1)', 'var(--c-series-2)', 'var(--c-series-3)', 'var(--c-series-4)', 'var(--c-series-5)'];

const axis = { stroke: 'var(--border)', tick: { fill: 'var(--muted)', fontSize: 12 } };
const tooltipStyle = { contentStyle: { background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)' } };
const dayLabel = (day: string) => day.slice(5).replace('-', '/');
/** Axis numbers that fit the axis' 40 px: 950, 12.5k, 2.4M (a month of a busy agent's tokens is millions). */
const compact = (n: number) =>
  Math.abs(n) >= 1_000_000 ? `${Math.round(n / 100_000) / 10}M` : Math.abs(n) >= 1000 ? `${Math.round(n / 100) / 10}k` : String(n);

function ChartCard({ title, summary, children }: { title: string; summary: string; children: ReactNode }) {
  return (
    <figure className="chart-card panel" aria-label={title}>
      <figcaption>
        <h3>{title}</h3>
        <p className="muted small">{summary}</p>
      </figcaption>
      <div className="chart-body" aria-hidden="true">
        {children}
      </div>
    </figure>
  );
}

function StackedByDay({ rows, keys, colors, label }: { rows: DayRow[]; keys: readonly string[]; colors: (key: string, i: number) => string; label: (k: string) => string }) {
  return (
    <ResponsiveContainer width="100%" height={210}>
      <BarChart data={rows} margin={{ top: 4, right: 12, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis dataKey="day" tickFormatter={dayLabel} {...axis} interval="preserveStartEnd" />
        <YAxis allowDecimals={false} {...axis} width={40} tickFormatter={compact} />
        <Tooltip {...tooltipStyle} cursor={{ fill: 'var(--surface-2)' }} labelFormatter={(day) => formatDate(String(day))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {keys.map((k, i) => (
          <Bar key={k} dataKey={k} name={label(k)} stackId="a" fill={colors(k, i)} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

const total = (rows: DayRow[], key: string) => rows.reduce((n, r) => n + Number(r[key] ?? 0), 0);
const words = (k: string) => k.replace(/-/g, ' ');

const RATE_SERIES = [
  { key: 'rate', name: 'approved', color: 'var(--c-ok)' },
  { key: 'revertedRate', name: 'reverted', color: 'var(--c-muted)' },
  { key: 'rejectedRate', name: 'rejected', color: 'var(--c-danger-2)' },
] as const;

/**
 * The axis width that fits the longest label on one line at the axis' 12 px (up to 7.5 px a
 * character, plus the tick and its margin), so no label is cut or wrapped, within reason.
 */
function labelWidth(labels: readonly string[]): number {
  const longest = Math.max(0, ...labels.map((l) => l.length));
  return Math.min(240, Math.max(80, Math.ceil(longest * 7.5) + 20));
}

/** "Of 12 decisions: 67% approved, 8% reverted after approval, 25% rejected" (shares that are 0 left out). */
function rateSummary(all: ReturnType<typeof overallRates>): string {
  const parts = [`${all.rate}% approved`];
  if (all.revertedRate) parts.push(`${all.revertedRate}% reverted after approval`);
  if (all.rejectedRate) parts.push(`${all.rejectedRate}% rejected`);
  return `Of ${all.decided} decision${all.decided === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function ApprovalRates({ rates }: { rates: ToolRate[] }) {
  const rows = rates.map((r) => ({ ...r, label: getTool(r.tool)?.label ?? 'Other changes' }));
  return (
    <ResponsiveContainer width="100%" height={Math.max(150, 44 + rows.length * 28)}>
      <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 4 }} accessibilityLayer={false}>
        <CartesianGrid horizontal={false} stroke="var(--border)" strokeDasharray="3 3" />
        <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} unit="%" {...axis} />
        <YAxis type="category" dataKey="label" width={labelWidth(rows.map((r) => r.label))} interval={0} {...axis} />
        <Tooltip {...tooltipStyle} cursor={{ fill: 'var(--surface-2)' }} formatter={(v, name) => [`${String(v)}%`, String(name)]} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {RATE_SERIES.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.name} stackId="rate" fill={s.color} isAnimationActive={false} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

export function ActivityCharts() {
  const iterations = useIterations();
  const proposals = useProposals();
  const names = useDisplayNames();
  const days = useMemo(() => lastDays(DAYS_SHOWN), []);
  const data = useMemo(() => {
    if (!iterations || !proposals) return null;
    const byId = new Map(proposals.map((p) => [p.id, p]));
    const its = iterationsPerDay(iterations, days, (id) => byId.get(id));
    const ps = proposalsPerDay(proposals, days);
    const tokens = tokensPerDayPerAgent(iterations, days, (id) => names.agents.get(id) ?? id);
    return { its, ps, tokens, rates: approvalRateByTool(proposals) };
  }, [iterations, proposals, days, names]);
  if (!data) return <p className="muted">Loading…</p>;
  const { its, ps, tokens, rates } = data;
  const usedIt = ITERATION_OUTCOMES.filter((k) => total(its, k) > 0);
  const usedPs = PROPOSAL_OUTCOMES.filter((k) => total(ps, k) > 0);
  const tokenTotal = tokens.agents.reduce((n, a) => n + total(tokens.rows, a), 0);
  const all = overallRates(rates);
  return (
    <div className="chart-grid">
      <ChartCard title="Runs per day" summary={usedIt.length ? usedIt.map((k) => `${total(its, k)} ${words(k)}`).join(', ') : 'No runs in the last two weeks.'}>
        <StackedByDay rows={its} keys={usedIt} colors={(k) => OUTCOME_COLOR[k] ?? 'var(--c-muted)'} label={words} />
      </ChartCard>
      <ChartCard title="Proposals per day" summary={usedPs.length ? usedPs.map((k) => `${total(ps, k)} ${k}`).join(', ') : 'No proposals in the last two weeks.'}>
        <StackedByDay rows={ps} keys={usedPs} colors={(k) => OUTCOME_COLOR[k] ?? 'var(--c-muted)'} label={words} />
      </ChartCard>
      <ChartCard title="Tokens per day" summary={tokenTotal ? `${formatNumber(tokenTotal)} tokens by ${tokens.agents.join(', ')}` : 'No tokens used in the last two weeks.'}>
        <StackedByDay rows={tokens.rows} keys={tokens.agents} colors={(_, i) => SERIES[i % SERIES.length]!} label={(k) => k} />
      </ChartCard>
      <ChartCard
        title="Approval rate per kind of change"
        summary={rates.length ? rateSummary(all) : 'Nothing decided yet.'}
      >
        <ApprovalRates rates={rates} />
      </ChartCard>
    </div>
  );
}
