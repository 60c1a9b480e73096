import type { ResourceTypeDef } from '../schemas/resource-types.ts';
import { scimErrors } from '../scim-error.ts';
import { countMultiValuedTerms } from './count-multi-valued-terms.ts';
import type { AttrPath, CompareNode, FilterNode, FilterValue, PatchPath } from './filter-ast.ts';
import { describeToken, lexFilter, toAttrPath, type FilterToken, type LexErrorFactory } from './lex-filter.ts';

export interface FilterLimits {
  /** Longest filter accepted, in characters (default 2048). */
  readonly maxLength?: number;
  /** Deepest nesting of `(`, `not` and `[` accepted (default 32): recursion is bounded before it can overflow. */
  readonly maxDepth?: number;
  /**
   * With `resourceType`: the most terms reaching into multi-valued attributes (default 10), the
   * filter's cost bound (count-multi-valued-terms.ts). Without a resource type nothing is counted.
   */
  readonly maxMultiValuedTerms?: number;
  /** The type the filter is for, so terms on multi-valued attributes can be told apart. */
  readonly resourceType?: ResourceTypeDef;
}

export const DEFAULT_FILTER_LIMITS = { maxLength: 2048, maxDepth: 32, maxMultiValuedTerms: 10 } as const;

const OPERATORS = 'an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)';

/**
 * Parses a `filter` query parameter (RFC 7644 §3.4.2.2) into an AST, by recursive descent with
 * precedence `not` > `and` > `or`, both binary operators left-associative. Every problem is a
 * 400 `invalidFilter` whose detail names the position (0-based) and what was expected.
 *
 * Accepted beyond the ABNF, for real clients:
 * - Entra's unquoted values (`externalId eq jyoung`): a bare word on the right of an operator is a
 *   string, unless it is `true`, `false`, `null` or a JSON number.
 * - Entra's uniqueness lookups `emails[type eq "work"].value eq "x"`, read as
 *   `emails[type eq "work" and value eq "x"]` (both must hold for the same element).
 * - `not` without parentheses (`not title pr`), binding tighter than `and`.
 */
export function parseScimFilter(text: string, limits: FilterLimits = {}): FilterNode {
  const maxLength = limits.maxLength ?? DEFAULT_FILTER_LIMITS.maxLength;
  const maxDepth = limits.maxDepth ?? DEFAULT_FILTER_LIMITS.maxDepth;
  if (text.length > maxLength) {
    throw scimErrors.invalidFilter(`Filter is ${text.length} characters long; the maximum filter length is ${maxLength}`);
  }
  const parser = new FilterParser(lexFilter(text, scimErrors.invalidFilter), scimErrors.invalidFilter, maxDepth);
  const node = parser.parseOr(false);
  parser.expectEnd('the end of the filter');
  if (limits.resourceType !== undefined) {
    const maxTerms = limits.maxMultiValuedTerms ?? DEFAULT_FILTER_LIMITS.maxMultiValuedTerms;
    const terms = countMultiValuedTerms(limits.resourceType, node);
    if (terms > maxTerms) {
      throw scimErrors.invalidFilter(
        `Filter has ${terms} terms over multi-valued attributes (value filters, emails, members, ...); the maximum is ${maxTerms}. Split the query or narrow it with single-valued attributes`,
      );
    }
  }
  return node;
}

/**
 * Parses a PATCH operation's `path` (RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`), e.g.
 * `members[value eq "2819c223"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`. Every problem, including
 * one inside the value filter, is a 400 `invalidPath`.
 */
export function parsePatchPath(text: string): PatchPath {
  if (text.length > DEFAULT_FILTER_LIMITS.maxLength) {
    throw scimErrors.invalidPath(`Path is ${text.length} characters long; the maximum path length is ${DEFAULT_FILTER_LIMITS.maxLength}`);
  }
  const parser = new FilterParser(lexFilter(text, scimErrors.invalidPath), scimErrors.invalidPath, DEFAULT_FILTER_LIMITS.maxDepth);
  const attr = parser.expectAttrPath();
  if (!parser.accept('lbracket')) {
    parser.expectEnd("'[' or the end of the path");
    return { kind: 'patchPath', attr };
  }
  parser.rejectSubAttrBeforeBracket(attr);
  const valueFilter = parser.parseBracketed();
  const sub = parser.acceptAdjacentSubAttr();
  parser.expectEnd(sub === undefined ? "'.subAttribute' or the end of the path" : 'the end of the path');
  return { kind: 'patchPath', attr, valueFilter, ...(sub !== undefined ? { subAttr: sub } : {}) };
}

/**
 * Parses a lone attribute path (`attributes=`, `excludedAttributes=`, `sortBy=`), so that projection,
 * sorting, filters and PATCH share one path grammar (RFC 7644 §3.10).
 */
export function parseAttrPath(text: string, fail: LexErrorFactory = scimErrors.invalidPath): AttrPath {
  const path = toAttrPath(text.trim());
  if (!path) throw fail(`'${text}' is not an attribute path: expected [schemaUrn:]attribute[.subAttribute]`);
  return path;
}

class FilterParser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: readonly FilterToken[],
    private readonly fail: LexErrorFactory,
    private readonly maxDepth: number,
  ) {}

  /** FILTER / valFilter at the loosest level: `or` chains, left-associative. */
  parseOr(inValueFilter: boolean): FilterNode {
    let left = this.parseAnd(inValueFilter);
    while (this.accept('or')) {
      left = { kind: 'logical', op: 'or', left, right: this.parseAnd(inValueFilter) };
    }
    return left;
  }

  private parseAnd(inValueFilter: boolean): FilterNode {
    let left = this.parseUnary(inValueFilter);
    while (this.accept('and')) {
      left = { kind: 'logical', op: 'and', left, right: this.parseUnary(inValueFilter) };
    }
    return left;
  }

  private parseUnary(inValueFilter: boolean): FilterNode {
    const token = this.peek();
    if (token.kind === 'not') {
      this.index++;
      this.enter(token);
      // RFC 7644 §3.4.2.2 writes `not (...)`; a bare `not attrExp` negates just that expression.
      const filter = this.peek().kind === 'lparen' ? this.parseGroup(inValueFilter) : this.parseUnary(inValueFilter);
      this.depth--;
      return { kind: 'not', filter };
    }
    if (token.kind === 'lparen') return this.parseGroup(inValueFilter);
    if (token.kind === 'attrPath') return this.parseAttrExpression(inValueFilter);
    throw this.expected("an attribute path, '(' or 'not'", token);
  }

  private parseGroup(inValueFilter: boolean): FilterNode {
    const open = this.next();
    this.enter(open);
    const inner = this.parseOr(inValueFilter);
    this.expect('rparen', `')' to close the '(' at position ${open.pos}`);
    this.depth--;
    return inner;
  }

  /** attrExp, or valuePath when the path is followed by `[`. */
  private parseAttrExpression(inValueFilter: boolean): FilterNode {
    const pathToken = this.next();
    const path = pathToken.path as AttrPath;
    if (this.peek().kind === 'lbracket') {
      if (inValueFilter) throw this.nested();
      this.index++;
      this.rejectSubAttrBeforeBracket(path);
      const filter = this.parseBracketed();
      const sub = this.acceptAdjacentSubAttr();
      if (sub === undefined) return { kind: 'valuePath', path, filter };
      // Entra: `emails[type eq "work"].value eq "x"` — the comparison applies to the same element.
      const subPath: AttrPath = { kind: 'attrPath', attr: sub };
      const condition = this.parseCondition(subPath, `'${pathToken.text}[...].${sub}'`);
      return { kind: 'valuePath', path, filter: { kind: 'logical', op: 'and', left: filter, right: condition } };
    }
    return this.parseCondition(path, `'${pathToken.text}'`);
  }

  /** `pr`, or `compareOp compValue`, after an attribute path. */
  private parseCondition(path: AttrPath, described: string): FilterNode {
    const token = this.next();
    if (token.kind === 'pr') return { kind: 'present', path };
    if (token.kind !== 'compareOp' || token.op === undefined) {
      throw this.expected(`${OPERATORS}${path.subAttr === undefined ? " or '['" : ''} after ${described}`, token);
    }
    const node: CompareNode = { kind: 'compare', path, op: token.op, value: this.parseValue(token) };
    return node;
  }

  /** compValue = false / null / true / number / string (RFC 7159), plus Entra's bare words. */
  private parseValue(operator: FilterToken): FilterValue {
    const token = this.next();
    switch (token.kind) {
      case 'string':
      case 'number':
      case 'literal':
        return token.value as FilterValue;
      case 'word':
      case 'attrPath':
        // Entra documents `externalId eq jyoung`: the bare word up to whitespace, ')' or ']' is a string.
        return token.text;
      default:
        throw this.expected(`a value (a "string", a number, true, false or null) after '${operator.text}'`, token);
    }
  }

  /** The value filter after `[`, up to and including `]`. */
  parseBracketed(): FilterNode {
    const open = this.tokens[this.index - 1];
    this.enter(open);
    const filter = this.parseOr(true);
    if (this.peek().kind === 'lbracket') throw this.nested();
    this.expect('rbracket', `']' to close the '[' at position ${open.pos}`);
    this.depth--;
    return filter;
  }

  rejectSubAttrBeforeBracket(path: AttrPath): void {
    if (path.subAttr !== undefined) {
      const at = this.tokens[this.index - 1].pos;
      throw this.fail(`Value filter at position ${at} follows the sub-attribute '${path.attr}.${path.subAttr}': expected a multi-valued attribute before '['`);
    }
  }

  /** `.subAttr` written right after `]`, as in `emails[type eq "work"].value`. */
  acceptAdjacentSubAttr(): string | undefined {
    const token = this.peek();
    if (token.kind !== 'subAttr' || token.spaceBefore) return undefined;
    this.index++;
    return token.name;
  }

  expectAttrPath(): AttrPath {
    const token = this.next();
    if (token.kind !== 'attrPath' || token.path === undefined) throw this.expected('an attribute path', token);
    return token.path;
  }

  expectEnd(what: string): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw this.expected(what, token);
  }

  accept(kind: FilterToken['kind']): boolean {
    if (this.peek().kind !== kind) return false;
    this.index++;
    return true;
  }

  private expect(kind: FilterToken['kind'], what: string): FilterToken {
    const token = this.next();
    if (token.kind !== kind) throw this.expected(what, token);
    return token;
  }

  private enter(at: FilterToken): void {
    this.depth++;
    if (this.depth > this.maxDepth) {
      throw this.fail(`Filter nests deeper than the maximum depth of ${this.maxDepth} at position ${at.pos}`);
    }
  }

  /** RFC 7644 §3.4.2.2: valFilter has no valuePath, so value filters do not nest. */
  private nested() {
    return this.fail(`Nested value filter at position ${this.peek().pos}: a value filter cannot contain another '['`);
  }

  private peek(): FilterToken {
    return this.tokens[this.index];
  }

  private next(): FilterToken {
    const token = this.tokens[this.index];
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private expected(what: string, found: FilterToken) {
    return this.fail(`At position ${found.pos}: expected ${what}, found ${describeToken(found)}`);
  }
}
