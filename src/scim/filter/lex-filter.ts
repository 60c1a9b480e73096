import { scimErrors, type ScimError } from '../scim-error.ts';
import type { AttrPath, CompareOp } from './filter-ast.ts';

/**
 * Tokenizer for the RFC 7644 §3.4.2.2 filter grammar (figure 1) and the RFC 7644 §3.5.2 PATCH path
 * grammar, which shares its productions.
 *
 * The input is cut into words at whitespace, `(`, `)`, `[`, `]` and `"`; each word is then classified.
 * Classifying whole words (rather than scanning the ABNF rule by rule) is what lets the parser accept
 * Entra's unquoted values (`externalId eq 00aa-bb`): such a word is kept as a `word` token with its raw
 * text, and the parser decides from its position whether it is a value or a syntax error.
 */
export type FilterTokenKind =
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'string'
  | 'number'
  | 'literal'
  | 'compareOp'
  | 'pr'
  | 'and'
  | 'or'
  | 'not'
  | 'attrPath'
  | 'subAttr'
  | 'word'
  | 'eof';

export interface FilterToken {
  readonly kind: FilterTokenKind;
  /** The token as written in the input. */
  readonly text: string;
  /** Offset of the token's first character in the input (0-based, like JSON.parse errors). */
  readonly pos: number;
  /** Whether whitespace precedes the token; `].value` in a PATCH path must be written without any. */
  readonly spaceBefore: boolean;
  /** Decoded value of `string`, `number` and `literal` tokens. */
  readonly value?: string | number | boolean | null;
  /** Lowercased operator of `compareOp` tokens. */
  readonly op?: CompareOp;
  /** The parsed path of `attrPath` tokens. */
  readonly path?: AttrPath;
  /** The attribute name of `subAttr` tokens (`.value` → `value`). */
  readonly name?: string;
}

/** Makes the error a lexing problem is reported with: `invalidFilter` for filters, `invalidPath` for PATCH paths. */
export type LexErrorFactory = (detail: string) => ScimError;

const COMPARE_OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

/**
 * ATTRNAME = ALPHA *(nameChar). RFC 7644 §3.4.2.2 leaves `$` out of nameChar while RFC 7643 §2.1
 * allows it (`$ref`), so it is accepted here.
 */
const ATTR_NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;
const SUB_ATTR = /^\.[A-Za-z$][A-Za-z0-9_$-]*$/;
/** RFC 7159 §6 number. A word like `00aa` or `0123` is not one, and stays a bare word. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const DELIMITERS = new Set(['(', ')', '[', ']', '"']);
const PUNCTUATION: Readonly<Record<string, FilterTokenKind>> = { '(': 'lparen', ')': 'rparen', '[': 'lbracket', ']': 'rbracket' };
const JSON_ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/**
 * Splits `text` into tokens, ending with one `eof` token. Throws the error `fail` makes (default
 * `invalidFilter`) for an unterminated or malformed string literal.
 */
export function lexFilter(text: string, fail: LexErrorFactory = scimErrors.invalidFilter): FilterToken[] {
  // PostgreSQL cannot compare with a NUL (text refuses \u0000) and SQLite could: refuse it for both (issue 8).
  const nul = text.indexOf('\u0000');
  if (nul >= 0) throw fail(`NUL character (\\u0000) at position ${nul}: not allowed in a filter or path`);
  const tokens: FilterToken[] = [];
  let i = 0;
  let spaceBefore = false;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      spaceBefore = true;
      i++;
      continue;
    }
    if (ch in PUNCTUATION) {
      tokens.push({ kind: PUNCTUATION[ch], text: ch, pos: i, spaceBefore });
      i++;
    } else if (ch === '"') {
      const { value, end } = readString(text, i, fail);
      tokens.push({ kind: 'string', text: text.slice(i, end), pos: i, spaceBefore, value });
      i = end;
    } else {
      let end = i;
      while (end < text.length && !DELIMITERS.has(text[end]) && !/\s/.test(text[end])) end++;
      tokens.push(classifyWord(text.slice(i, end), i, spaceBefore));
      i = end;
    }
    spaceBefore = false;
  }
  tokens.push({ kind: 'eof', text: '', pos: text.length, spaceBefore });
  return tokens;
}

/** Reads a JSON string literal (RFC 7159 §7) starting at the opening quote. */
function readString(text: string, start: number, fail: LexErrorFactory): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw fail(`Invalid \\u escape at position ${i} in string starting at position ${start}`);
        if (parseInt(hex, 16) === 0) throw fail(`NUL character (\\u0000) at position ${i} in string starting at position ${start}: not allowed in a filter or path`);
        value += String.fromCharCode(parseInt(hex, 16));
        i += 6;
        continue;
      }
      if (next === undefined || !(next in JSON_ESCAPES)) {
        throw fail(`Invalid escape '\\${next ?? ''}' at position ${i} in string starting at position ${start}`);
      }
      value += JSON_ESCAPES[next];
      i += 2;
      continue;
    }
    if (ch < ' ') throw fail(`Unescaped control character at position ${i} in string starting at position ${start}`);
    value += ch;
    i++;
  }
  throw fail(`Unterminated string starting at position ${start}: expected a closing '"'`);
}

function classifyWord(word: string, pos: number, spaceBefore: boolean): FilterToken {
  const base = { text: word, pos, spaceBefore };
  const lower = word.toLowerCase();
  // ABNF literals are case-insensitive (RFC 5234 §2.3), so `EQ`, `And`, `True` are all accepted.
  if (COMPARE_OPS.has(lower)) return { ...base, kind: 'compareOp', op: lower as CompareOp };
  if (lower === 'pr' || lower === 'and' || lower === 'or' || lower === 'not') return { ...base, kind: lower };
  if (lower === 'true' || lower === 'false') return { ...base, kind: 'literal', value: lower === 'true' };
  if (lower === 'null') return { ...base, kind: 'literal', value: null };
  if (JSON_NUMBER.test(word)) return { ...base, kind: 'number', value: Number(word) };
  if (SUB_ATTR.test(word)) return { ...base, kind: 'subAttr', name: word.slice(1) };
  const path = toAttrPath(word);
  if (path) return { ...base, kind: 'attrPath', path };
  return { ...base, kind: 'word' };
}

/**
 * `attrPath = [URI ":"] ATTRNAME *1subAttr`. The URI is everything up to the last `:`, so
 * `urn:ietf:params:scim:schemas:core:2.0:User:name.familyName` splits into the core schema URN and
 * `name.familyName` (the dots inside `2.0` belong to the URN).
 */
export function toAttrPath(word: string): AttrPath | undefined {
  const colon = word.lastIndexOf(':');
  const schema = colon >= 0 ? word.slice(0, colon) : undefined;
  if (schema !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(schema)) return undefined;
  const names = word.slice(colon + 1).split('.');
  if (names.length > 2 || !names.every((n) => ATTR_NAME.test(n))) return undefined;
  const [attr, subAttr] = names;
  return {
    kind: 'attrPath',
    ...(schema !== undefined ? { schema } : {}),
    attr,
    ...(subAttr !== undefined ? { subAttr } : {}),
  };
}

/** How a token is named in error messages. */
export function describeToken(token: FilterToken): string {
  return token.kind === 'eof' ? 'the end of the input' : `'${token.text}'`;
}
