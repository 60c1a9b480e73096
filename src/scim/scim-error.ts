/**
 * SCIM protocol errors (RFC 7644 §3.12). `status` is rendered as a string in the body, as the RFC's
 * examples do; `scimType` is one of the RFC's (or RFC 9865's cursor) detail codes.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  // RFC 9865 §4
  | 'invalidCursor'
  | 'expiredCursor'
  | 'invalidCount';

/** Every scimType Roster can send; docs/errors.md describes each (a test checks). */
export const SCIM_TYPES: readonly ScimType[] = [
  'invalidFilter',
  'tooMany',
  'uniqueness',
  'mutability',
  'invalidSyntax',
  'invalidPath',
  'noTarget',
  'invalidValue',
  'invalidVers',
  'sensitive',
  'invalidCursor',
  'expiredCursor',
  'invalidCount',
];

/**
 * Every status/scimType pair a SCIM endpoint of Roster can answer with (scimType absent: the RFC has
 * none for it). docs/errors.md has one row per pair, and a test checks both directions and that the
 * errors raised in the code are all here. The RFC's types Roster never sends are listed as reserved.
 */
export const SCIM_ERROR_PAIRS: readonly { readonly status: number; readonly scimType?: ScimType; readonly reserved?: true }[] = [
  { status: 400 },
  { status: 400, scimType: 'invalidFilter' },
  { status: 400, scimType: 'invalidSyntax' },
  { status: 400, scimType: 'invalidPath' },
  { status: 400, scimType: 'invalidValue' },
  { status: 400, scimType: 'noTarget' },
  { status: 400, scimType: 'mutability' },
  { status: 400, scimType: 'tooMany' },
  { status: 400, scimType: 'invalidCursor' },
  { status: 400, scimType: 'expiredCursor', reserved: true },
  { status: 400, scimType: 'invalidCount', reserved: true },
  { status: 400, scimType: 'invalidVers', reserved: true },
  { status: 400, scimType: 'sensitive', reserved: true },
  { status: 401 },
  { status: 403 },
  { status: 404 },
  { status: 405 },
  { status: 408 },
  { status: 409, scimType: 'uniqueness' },
  { status: 409, scimType: 'invalidValue' },
  { status: 412 },
  { status: 413 },
  { status: 414 },
  { status: 415 },
  { status: 429 },
  { status: 431 },
  { status: 500 },
  { status: 503 },
];

export const ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

export interface ScimErrorBody {
  schemas: [typeof ERROR_SCHEMA];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export class ScimError extends Error {
  readonly status: number;
  readonly scimType: ScimType | undefined;

  constructor(status: number, scimType: ScimType | undefined, detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'ScimError';
    this.status = status;
    this.scimType = scimType;
  }

  toBody(): ScimErrorBody {
    const body: ScimErrorBody = { schemas: [ERROR_SCHEMA], status: String(this.status), detail: this.message };
    if (this.scimType) body.scimType = this.scimType;
    return body;
  }
}

/** Shorthands for the errors every layer raises; each names the RFC 7644 §3.12 pairing. */
export const scimErrors = {
  invalidFilter: (detail: string) => new ScimError(400, 'invalidFilter', detail),
  invalidSyntax: (detail: string) => new ScimError(400, 'invalidSyntax', detail),
  invalidPath: (detail: string) => new ScimError(400, 'invalidPath', detail),
  invalidValue: (detail: string) => new ScimError(400, 'invalidValue', detail),
  noTarget: (detail: string) => new ScimError(400, 'noTarget', detail),
  mutability: (detail: string) => new ScimError(400, 'mutability', detail),
  uniqueness: (detail: string) => new ScimError(409, 'uniqueness', detail),
  tooMany: (detail: string) => new ScimError(400, 'tooMany', detail),
  notFound: (detail: string) => new ScimError(404, undefined, detail),
  preconditionFailed: (detail: string) => new ScimError(412, undefined, detail),
};
