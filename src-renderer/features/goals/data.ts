import { useMemo } from 'react';
import { z } from 'zod';
import { Attribution } from '../../../src-shared/domain/actor';
import { GOALS } from '../../../src-shared/tools/modules';
import { parseRecords, useRecords } from '../../db/hooks';

export const PERIODS = ['day', 'week', 'month'] as const;

/** Goals as the goals tools write them; read leniently. */
export const Goal = z.object({
  id: z.string(),
  title: z.string(),
  targetValue: z.number().nullish(),
  currentValue: z
    .number()
    .nullish()
    .transform((v) => v ?? 0),
  period: z.enum(PERIODS).nullish().catch(null),
  createdAt: z.string().nullish(),
  createdBy: Attribution.nullish(),
});
export type Goal = z.infer<typeof Goal>;

export function useGoals(): Goal[] | undefined {
  const records = useRecords(GOALS.app, GOALS.table);
  return useMemo(() => parseRecords(records, Goal)?.sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '')), [records]);
}

/** 0..100, or null for a goal without a target. */
export function percentOf(goal: Pick<Goal, 'currentValue' | 'targetValue'>): number | null {
  if (!goal.targetValue || goal.targetValue <= 0) return null;
  return Math.max(0, Math.min(100, Math.round((goal.currentValue / goal.targetValue) * 100)));
}
