/**
 * Regular expressions in directory rules: admins write them (trusted, checked once when the rules
 * are saved), the IdP writes what they run against (untrusted, on every SCIM write). So a pattern
 * must compile and must not nest unbounded quantifiers, and the input is cut to
 * MAX_REGEX_INPUT_CHARS before matching: the cost of one match stays bounded whatever an IdP sends.
 */
export const MAX_REGEX_INPUT_CHARS = 1_000;
export const MAX_PATTERN_CHARS = 200;
/** Flags a `replace` expression may carry; `y` (sticky) and `d` (indices) change nothing useful here. */
export const ALLOWED_REGEX_FLAGS = /^[gimsu]*$/;

/** Why `pattern` cannot be used in a rule, or undefined when it can. */
export function checkRuleRegex(pattern: string, flags = ''): string | undefined {
  if (!ALLOWED_REGEX_FLAGS.test(flags)) return `flags "${flags}" may only hold i, g, m, s and u`;
  if (pattern.length > MAX_PATTERN_CHARS) return `pattern is ${pattern.length} characters long; the maximum is ${MAX_PATTERN_CHARS}`;
  try {
    new RegExp(pattern, flags);
  } catch (error) {
    return `pattern "${pattern}" is not a valid regular expression: ${(error as Error).message}`;
  }
  if (hasNestedQuantifier(pattern)) {
    return `pattern "${pattern}" repeats a group that already holds + or * (like (a+)+), which can take exponential time on some inputs: rewrite it without the nested repetition`;
  }
  return undefined;
}

interface Frame {
  /** The group holds a `*`, `+` or `{n,}` somewhere inside. */
  unbounded: boolean;
}

/**
 * Whether a quantified group contains an unbounded quantifier (`(a+)+`, `(\w*)*`, `(x+){2,}`): the
 * classic shape of catastrophic backtracking in a backtracking engine such as V8's. A heuristic
 * on the pattern text: escapes and character classes are skipped, a `{n}` or `?` after the group
 * does not count as repetition.
 */
export function hasNestedQuantifier(pattern: string): boolean {
  const stack: Frame[] = [{ unbounded: false }];
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
      stack.push({ unbounded: false });
      i++;
      continue;
    }
    if (ch === ')') {
      const group = stack.length > 1 ? stack.pop()! : { unbounded: false };
      i++;
      const q = readQuantifier(pattern, i);
      if (q && q.repeats && group.unbounded) return true;
      if (q) i += q.length;
      if (group.unbounded || q?.unbounded) stack[stack.length - 1].unbounded = true;
      continue;
    }
    const q = readQuantifier(pattern, i);
    if (q) {
      if (q.unbounded) stack[stack.length - 1].unbounded = true;
      i += q.length;
      continue;
    }
    i++;
  }
  return false;
}

interface Quantifier {
  readonly length: number;
  /** No upper bound: `*`, `+`, `{n,}`. */
  readonly unbounded: boolean;
  /** May match more than once: everything but `?`, `{0}`, `{1}`, `{0,1}`. */
  readonly repeats: boolean;
}

function readQuantifier(pattern: string, at: number): Quantifier | undefined {
  const ch = pattern[at];
  const lazy = (length: number) => (pattern[at + length] === '?' ? length + 1 : length);
  if (ch === '*' || ch === '+') return { length: lazy(1), unbounded: true, repeats: true };
  if (ch === '?') return { length: lazy(1), unbounded: false, repeats: false };
  if (ch !== '{') return undefined;
  const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(at));
  if (!m) return undefined;
  const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
  return { length: lazy(m[0].length), unbounded: max === Infinity, repeats: max > 1 };
}
