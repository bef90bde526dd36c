/**
 * What an agent may do, per module and per tool: run it (auto), propose it for review, or never
 * (deny). A tool rule beats its module's rule, which beats the agent's fallback, which beats the
 * tool's default — the order src-shared/tools/policy.ts resolves, shown in the "In effect" column.
 */
import type { Policy, PolicyDecision } from '../../../src-shared/domain/ai';
import { TOOLS, type ToolDef } from '../../../src-shared/tools/catalog';
import { resolvePolicy } from '../../../src-shared/tools/policy';
import { moduleByName } from '../modules/catalog';

const DECISIONS: PolicyDecision[] = ['auto', 'propose', 'deny'];
const DECISION_TEXT: Record<PolicyDecision, string> = { auto: 'Auto — runs without review', propose: 'Propose — needs approval', deny: 'Deny — never' };
/** The rule in effect, short: the first word of its option. */
const DECISION_WORD: Record<PolicyDecision, string> = { auto: 'Auto', propose: 'Propose', deny: 'Deny' };
const KIND_TEXT = { read: 'reads', write: 'changes' } as const;

interface Props {
  policy: Policy;
  onChange: (next: Policy) => void;
}

function DecisionSelect({ label, value, inherit, onChange, read }: { label: string; value: PolicyDecision | undefined | null; inherit: string; onChange: (v: PolicyDecision | null) => void; read?: boolean }) {
  return (
    <select aria-label={label} value={value ?? ''} onChange={(e) => onChange((e.target.value || null) as PolicyDecision | null)}>
      <option value="">{inherit}</option>
      {DECISIONS.filter((d) => !(read && d === 'propose')).map((d) => (
        <option key={d} value={d}>
          {DECISION_TEXT[d]}
        </option>
      ))}
    </select>
  );
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

function modulesOf(tools: readonly ToolDef[]): string[] {
  return [...new Set(tools.map((t) => t.module))];
}

export function PolicyTable({ policy, onChange }: Props) {
  const setTool = (name: string, v: PolicyDecision | null) => onChange({ ...policy, tools: v ? { ...policy.tools, [name]: v } : without(policy.tools, name) });
  const setModule = (name: string, v: PolicyDecision | null) => onChange({ ...policy, modules: v ? { ...policy.modules, [name]: v } : without(policy.modules, name) });
  return (
    <div className="policy">
      <label className="inline-label">
        For tools without a rule
        <DecisionSelect label="Fallback for tools without a rule" value={policy.fallback} inherit="Each tool’s default (reads auto, writes propose)" onChange={(v) => onChange({ ...policy, fallback: v })} />
      </label>
      <table className="table policy-table">
        <thead>
          <tr>
            <th scope="col">Module / tool</th>
            <th scope="col">Rule</th>
            <th scope="col">In effect</th>
          </tr>
        </thead>
        {modulesOf(TOOLS).map((module) => {
          const label = moduleByName(module)?.label ?? module;
          return (
            <tbody key={module}>
              <tr className="policy-module">
                <th scope="row">{label} (all tools)</th>
                <td>
                  <DecisionSelect label={`Rule for ${label}`} value={policy.modules[module]} inherit="No module rule" onChange={(v) => setModule(module, v)} />
                </td>
                <td />
              </tr>
              {TOOLS.filter((t) => t.module === module).map((tool) => {
                const effective = resolvePolicy(tool, policy);
                return (
                  <tr key={tool.name}>
                    <th scope="row" className="policy-tool">
                      {tool.label} <span className="muted small">{KIND_TEXT[tool.kind]}</span>
                    </th>
                    <td>
                      <DecisionSelect label={`Rule for ${tool.label}`} value={policy.tools[tool.name]} inherit="Inherit" read={tool.kind === 'read'} onChange={(v) => setTool(tool.name, v)} />
                    </td>
                    <td>
                      <span className={`badge policy-${effective}`}>{DECISION_WORD[effective]}</span>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          );
        })}
      </table>
    </div>
  );
}
