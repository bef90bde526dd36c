/**
 * The names of the api's methods and events, without their schemas: what the sandboxed preload
 * needs to refuse a name before anything is sent, so that its bundle carries neither zod nor the
 * domain schemas. The lists are generated from src-shared/api.ts (scripts/api-names.mjs); api.ts
 * re-exports these and its typecheck fails when the lists and its tables differ.
 */
import { EVENT_NAMES, METHOD_NAMES } from './api-names.generated';

export { EVENT_NAMES, METHOD_NAMES };
export type MethodName = (typeof METHOD_NAMES)[number];
export type EventName = (typeof EVENT_NAMES)[number];

const methodNames: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

/** Whether `name` is a method of the api (never true for inherited names such as "__proto__"). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && methodNames.has(name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNames.has(name);
}
