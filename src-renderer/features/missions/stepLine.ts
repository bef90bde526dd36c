/** A plan step in one line of plain words, for the mission's runs and a plan's refused steps. */
import type { IterationStep, Proposal } from '../../../src-shared/domain/ai';
import { getTool } from '../../../src-shared/tools/catalog';
import { useRecord } from '../../db/hooks';
import { describeProposal, targetOf } from '../inbox/describe';
import { recordTitle } from '../modules/catalog';

/** A step's line, naming the record it read or changed by its title (as it was before an approved change renamed it). */
export function useStepLine(step: IterationStep, proposal: Proposal | undefined): string {
  const target = targetOf(step);
  const record = useRecord(target?.app ?? '', target?.table ?? '', target?.id);
  const before = proposal?.execution?.before?.find((b) => b.id === target?.id)?.fields;
  const title = typeof before?.title === 'string' ? before.title : record ? recordTitle(record.data, record.id) : record;
  // an action the app does not have is named by no one: its name is the model's word
  if (step.refused === 'unknown-tool' || !getTool(step.toolName)) return 'An action this app does not have';
  return describeProposal(step, title);
}

