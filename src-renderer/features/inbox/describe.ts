import type { Proposal } from '../../../src-shared/domain/ai';
import { getTool } from '../../../src-shared/tools/catalog';

/** The one plain-words line of what approving a proposal does. */
export function describeProposal(p: Pick<Proposal, 'toolName' | 'params' | 'summary'>): string {
  const tool = getTool(p.toolName);
  if (!tool) return p.summary || `Run ${p.toolName}`;
  try {
    return tool.describe(p.params);
  } catch {
    return tool.description;
  }
}
