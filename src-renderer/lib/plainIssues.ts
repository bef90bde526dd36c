/**
 * Validation problems in people's words. Zod's messages ("Too small: expected string to have >=1
 * characters") and the catalog's messages for the model ("a real calendar date as YYYY-MM-DD") are written for
 * programs; the forms, the inbox and the settings show these instead ("Title can't be empty").
 * Works on the message alone, so it reads both local zod issues and the issues the engine
 * returns in an api error (path + message).
 */
import { fieldLabel } from './fieldLabels';

export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
}

type Rule = [RegExp, (subject: string, m: RegExpExecArray) => string];

const NUMBER = String.raw`(-?[\d.]+(?:e[+-]?\d+)?)`;

/** "x"|"y" (zod's list of options) -> x, y */
function options(list: string): string {
  return list
    .split('|')
    .map((o) => o.trim().replace(/^"(.*)"$/, '$1'))
    .join(', ');
}

function expected(type: string): string {
  switch (type) {
    case 'int':
      return 'a whole number';
    case 'number':
    case 'nan':
      return 'a number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'yes or no';
    case 'array':
      return 'a list';
    default:
      return 'filled in correctly';
  }
}

const RULES: Rule[] = [
  [/^Too small: expected string to have >=?1 characters?$/, (s) => `${s} can't be empty`],
  [new RegExp(`^Too small: expected string to have >=?${NUMBER} characters?$`), (s, m) => `${s} needs at least ${m[1]} characters`],
  [new RegExp(`^Too big: expected string to have <=?${NUMBER} characters?$`), (s, m) => `${s} is too long (at most ${m[1]} characters)`],
  [new RegExp(`^Too small: expected number to be >${NUMBER}$`), (s, m) => `${s} must be more than ${m[1]}`],
  [new RegExp(`^Too small: expected number to be >=${NUMBER}$`), (s, m) => `${s} must be at least ${m[1]}`],
  [new RegExp(`^Too big: expected number to be <${NUMBER}$`), (s, m) => `${s} must be less than ${m[1]}`],
  [new RegExp(`^Too big: expected number to be <=${NUMBER}$`), (s, m) => `${s} must be at most ${m[1]}`],
  [new RegExp(`^Too small: expected array to have >=?${NUMBER} items?$`), (s, m) => `${s} needs at least ${m[1]}`],
  [new RegExp(`^Too big: expected array to have <=?${NUMBER} items?$`), (s, m) => `${s} can have at most ${m[1]}`],
  [/^Invalid input: expected \w+, received (undefined|null)$/, (s) => `${s} is required`],
  [/^Invalid input: expected (\w+), received NaN$/, (s) => `${s} must be a number`],
  [/^Invalid input: expected (\w+), received \w+$/, (s, m) => `${s} must be ${expected(m[1]!.toLowerCase())}`],
  [/^Invalid option: expected one of (.+)$/, (s, m) => `${s} must be one of: ${options(m[1]!)}`],
  [/^Invalid input: expected (.+)$/, (s) => `${s} isn't valid`],
  [/^Invalid URL$/i, (s) => `${s} must be a web address, like http://127.0.0.1:11434/v1`],
  [/^Invalid string: must match pattern/, (s) => `${s} isn't in the right form`],
  [/^Invalid (input|union|element|key|value)$/i, (s) => `${s} isn't valid`],
  [/^Unrecognized keys?:/, () => 'Some of these fields are not known here'],
  // The catalog's messages for the model (src-shared/tools/catalog.ts), in people's words.
  [/^a real calendar date as YYYY-MM-DD$/, (s) => `${s} must be a real date`],
  [/^a date-time as /, (s) => `${s} must be a real date and a time`],
  [/^one word, no spaces or commas$/, (s) => `${s} must be one word, without spaces or commas`],
  [/^endTime must be after startTime$/, () => 'The end must be after the start'],
  [/^pass at least one of /, () => 'Change at least one field'],
];

/** One problem as a sentence, naming its field ("Title can't be empty"). */
export function plainIssue(issue: IssueLike, label?: string): string {
  const field = [...issue.path].reverse().find((p): p is string => typeof p === 'string');
  const subject = label ?? (field ? fieldLabel(field) : 'This');
  const message = issue.message.trim();
  for (const [pattern, say] of RULES) {
    const m = pattern.exec(message);
    if (m) return say(subject, m);
  }
  // Messages written for the model or for people that we do not know: lower-case ones read as
  // the end of a sentence about the field ("must be an http(s) URL…"), others stand alone.
  if (/^[a-z]/.test(message)) return `${subject} ${/^(must|should|is|are|can)\b/.test(message) ? '' : 'is invalid: '}${message}`.replace(/\s+/g, ' ');
  return field || label ? `${subject}: ${message}` : message;
}

/** All problems, one sentence each, without repeating the same sentence. */
export function plainIssues(issues: readonly IssueLike[]): string {
  return [...new Set(issues.map((i) => plainIssue(i)))].join('. ');
}
