import { z } from 'zod';

const Principal = z.string().min(1).max(200);
const DisplayName = z.string().max(200).optional();

export const UserActor = z.object({ kind: z.literal('user'), principalId: Principal, displayName: DisplayName });
export const AiActor = z.object({
  kind: z.literal('ai'),
  principalId: Principal,
  displayName: DisplayName,
  missionId: z.string().max(200),
  iterationId: z.string().max(200),
  rationale: z.string().max(10_000),
});
export const SystemActor = z.object({ kind: z.literal('system'), principalId: Principal, displayName: DisplayName });

export const Actor = z.discriminatedUnion('kind', [UserActor, AiActor, SystemActor]);
export type Actor = z.infer<typeof Actor>;
export type AiActor = z.infer<typeof AiActor>;

export const Origin = z.enum(['user', 'agent', 'system', 'migration', 'server-replay']);
export type Origin = z.infer<typeof Origin>;

export const LOCAL_USER: Actor = { kind: 'user', principalId: 'user:local', displayName: 'You' };
export const MISSION_RUNNER: Actor = { kind: 'system', principalId: 'system:mission-runner', displayName: 'Mission runner' };
/** Writes the archived form of old runs and decided proposals (the engine's history keeper). */
export const HISTORY_KEEPER: Actor = { kind: 'system', principalId: 'system:history', displayName: 'History keeper' };

export function originOf(actor: Actor | undefined): Origin {
  if (!actor || actor.kind === 'user') return 'user';
  if (actor.kind === 'ai') return 'agent';
  return actor.principalId === 'system:migration' ? 'migration' : 'system';
}

/** Who created a record, stored on the record itself (the log keeps the full actor). */
export const Attribution = z.object({
  kind: z.enum(['user', 'ai', 'system']),
  principalId: z.string(),
  displayName: z.string().nullable(),
  missionId: z.string().nullable(),
});
export type Attribution = z.infer<typeof Attribution>;
