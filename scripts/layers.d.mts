// Types of scripts/layers.mjs for TypeScript importers (scripts/layers.test.ts).
export interface LayerRule {
  name: string;
  comment: string;
  severity: 'error';
  from: { path: string; pathNot?: string };
  to: { path?: string | string[]; pathNot?: string; dependencyTypes?: string[]; reachable?: boolean };
}
export interface LayerViolation {
  rule: string;
  from: string;
  to: string;
  via: string[];
}
export declare const RULES: LayerRule[];
export declare function checkLayers(root: string): Promise<LayerViolation[]>;
export declare function describeViolation(violation: LayerViolation): string;
