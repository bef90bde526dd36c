import type { Policy, PolicyDecision } from '../domain/ai';
import type { ToolDef } from './catalog';

/**
 * The decision for an AI actor calling `tool`: per tool, then per module, then the agent's
 * fallback, then the tool's default. A read tool never needs review, so `propose` means `auto` for it.
 */
export function resolvePolicy(tool: ToolDef, policy: Policy | null | undefined): PolicyDecision {
  const decision = policy?.tools?.[tool.name] ?? policy?.modules?.[tool.module] ?? policy?.fallback ?? tool.defaultPolicy;
  return tool.kind === 'read' && decision === 'propose' ? 'auto' : decision;
}
