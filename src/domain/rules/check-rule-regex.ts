/**
 * Regular expressions in directory rules: admins write them (trusted, checked once when the rules
 * are saved), the IdP writes what they run against (untrusted, on every SCIM write). So a pattern
 * must compile and must not repeat a group that holds a variable quantifier, and the input is cut to
 * MAX_REGEX_INPUT_CHARS before matching: the cost of one match stays bounded whatever an IdP sends.
 */
export const MAX_REGEX_INPUT_CHARS = 1_000;
export const MAX_PATTERN_CHARS = 200;
/** Flags a `replace` expression may carry; `y` (sticky) and `d` (indices) change nothing useful here. */
export const ALLOWED_REGEX_FLAGS = /^[gimsu]*$/;

/** Why `pattern` cannot be used in a rule, or undefined when it can. */
export function checkRuleRegex(pattern: string, flags = ''): string | undefined {
  if (!ALLOWED_REGEX_FLAGS.test(flags)) return `flags "${flags}" may only hold i, g, m, s and u`;
  if (new Set(flags).size !== flags.length) return `flags "${flags}" name a flag twice`;
  if (pattern.length > MAX_PATTERN_CHARS) return `pattern is ${pattern.length} characters long; the maximum is ${MAX_PATTERN_CHARS}`;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `pattern "${pattern}" is not a valid regular expression: ${(error as Error).message}`;
  }
  if (hasNestedQuantifier(pattern)) {
    return `pattern "${pattern}" repeats a group that already holds +, * or {n,m} (like (a+)+), which can take exponential time on some inputs: rewrite it without the nested repetition`;
  }
  return undefined;
}

interface Frame {
  /** The group holds a `*`, `+` or `{n,m}` (m > n) somewhere inside. */
  variable: boolean;
}

/**
 * Whether a repeated group contains a variable quantifier (`(a+)+`, `(\w*)*`, `(x+){2,}`,
 * `(a{2,3})+`): the classic shape of catastrophic backtracking in a backtracking engine such as
 * V8's, where the input can be split between the two repetitions in exponentially many ways. A heuristic
 * on the pattern text: escapes and character classes are skipped, a `{n}` or `?` after the group
 * does not count as repetition.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const stack: Frame[] = [{ variable: false }];
  let inClass = false;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      i++;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      i++;
      continue;
    }
    if (ch === '(') {
      stack.push({ variable: false });
      i++;
      continue;
    }
    if (ch === ')') {
      const group = stack.length > 1 ? stack.pop()! : { variable: false };
      i++;
      const q = readQuantifier(pattern, i);
      if (q && q.repeats && group.variable) return true;
      if (q) i += q.length;
      if (group.variable || q?.variable) stack[stack.length - 1].variable = true;
      continue;
    }
    const q = readQuantifier(pattern, i);
    if (q) {
      if (q.variable) stack[stack.length - 1].variable = true;
      i += q.length;
      continue;
    }
    i++;
  }
  return false;
}

interface Quantifier {
  readonly length: number;
  /** Repeats a variable number of times, at least two possible counts above one: `*`, `+`, `{n,}`, `{n,m}` with m > n. */
  readonly variable: boolean;
  /** May match more than once: everything but `?`, `{0}`, `{1}`, `{0,1}`. */
  readonly repeats: boolean;
}

function readQuantifier(pattern: string, at: number): Quantifier | undefined {
  const ch = pattern[at];
  const lazy = (length: number) => (pattern[at + length] === '?' ? length + 1 : length);
  if (ch === '*' || ch === '+') return { length: lazy(1), variable: true, repeats: true };
  if (ch === '?') return { length: lazy(1), variable: false, repeats: false };
  if (ch !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
  return { length: lazy(m[0].length), variable: max > min && max > 1, repeats: max > 1 };
}
