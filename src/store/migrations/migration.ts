import type { Kysely } from 'kysely';

export type Engine = 'sqlite' | 'postgres';

export interface MigrationContext {
  readonly engine: Engine;
}

export interface Migration {
  readonly name: string;
  up(db: Kysely<any>, ctx: MigrationContext): Promise<void>;
}
