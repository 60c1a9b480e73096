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
