// Types of scripts/postgres.mjs for TypeScript importers (src-main/server tests, bench).
export declare const HOW_TO_GET_POSTGRES: string;
export declare function findPostgresBin(): string | null;
export interface PostgresCluster {
  adminUrl: string;
  port: number | null;
  external: boolean;
  stop(): Promise<void>;
}
export declare function startPostgresCluster(options?: { durable?: boolean }): Promise<PostgresCluster>;
