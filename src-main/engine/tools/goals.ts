import { GOALS, type Goal, type GoalPeriod } from '../../../src-shared/tools/modules';
import { requireRecord } from './common';
import type { ToolImpl } from './types';

export const listGoals: ToolImpl<Record<string, never>> = {
  name: 'list_goals',
  run(ctx) {
    const goals = ctx.store.listData<Goal>(GOALS.app, GOALS.table).sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? ''));
    return {
      result: goals.map((g) => ({ id: g.id, title: g.title, currentValue: Number(g.currentValue ?? 0), targetValue: g.targetValue ?? null, period: g.period ?? null })),
      effects: [],
    };
  },
};

export const createGoal: ToolImpl<{ title: string; targetValue?: number; period?: GoalPeriod }> = {
  name: 'create_goal',
  run(ctx, p) {
    const id = ctx.newId('goal');
    const fields: Goal = { title: p.title, targetValue: p.targetValue ?? null, currentValue: 0, period: p.period ?? null, createdAt: ctx.now.toISOString() };
    return { result: { goalId: id }, effects: [{ app: GOALS.app, table: GOALS.table, id, op: 'insert', fields: { ...fields } }] };
  },
};

export const updateGoalProgress: ToolImpl<{ goalId: string; value: number; mode?: 'add' | 'set' }> = {
  name: 'update_goal_progress',
  run(ctx, { goalId, value, mode = 'add' }) {
    const goal = requireRecord<Goal>(ctx, GOALS, goalId, 'goal');
    const currentValue = mode === 'set' ? value : Number(goal.currentValue ?? 0) + value;
    return {
      result: { goalId, currentValue, targetValue: goal.targetValue ?? null },
      effects: [{ app: GOALS.app, table: GOALS.table, id: goalId, op: 'update', fields: { currentValue } }],
    };
  },
};

export const GOALS_TOOLS = [listGoals, createGoal, updateGoalProgress] as ToolImpl<never>[];
