// daily-dialin/apply: runs a plan of daily-dialin/configs through a DailyDialinClient.
import type { ConfigPlan, ConfigPlanAction } from './configs/node.mjs';

/** The client calls `applyPlan` makes (a `DailyDialinClient` fits). */
export interface ApplyClient {
  create(body: any, options?: { signal?: AbortSignal }): Promise<unknown>;
  update(id: string, body: any, options?: { signal?: AbortSignal; type?: string }): Promise<unknown>;
  delete(id: string, options?: { signal?: AbortSignal }): Promise<unknown>;
}

/** One action of the plan in the report: its index in `plan.actions`, a label for people, and why it failed. */
export interface ApplyEntry {
  action: number;
  label: string;
  error?: string;
}

export interface ApplyReport {
  done: ApplyEntry[];
  failed: ApplyEntry[];
  /** Replaces whose create failed and whose old config was created back. */
  rolledBack: ApplyEntry[];
  /** Actions not started after a failure. */
  skipped: ApplyEntry[];
}

export interface ApplyOptions {
  /** Requests started per second at most (default 18: Daily allows 20). */
  requestsPerSecond?: number;
  /** Actions in flight at once (default 4). */
  concurrency?: number;
  /** Stops starting requests, and is passed to each request. */
  signal?: AbortSignal;
  /** Called after each action. */
  onProgress?: (p: { done: number; total: number; outcome: 'done' | 'failed' | 'rolledBack'; label: string }) => void;
}

/** Applies a plan from `planConfigs` or `planLegacyMigration` (the object itself: its `steps` are not enumerable). */
export function applyPlan(client: ApplyClient, plan: ConfigPlan, options?: ApplyOptions): Promise<ApplyReport>;
/** Whether two plans do the same thing (apply refuses to run another plan than the one shown). */
export function samePlan(a: Pick<ConfigPlan, 'prune' | 'actions'>, b: Pick<ConfigPlan, 'prune' | 'actions'>): boolean;
/** An action for people, without secrets. */
export function actionLabel(action: ConfigPlanAction): string;
/** Where an issue of a configs file is, for people: "configs[3] (+12095550003), field hmac", "the file". */
export function issuePlace(file: unknown, path: string): string;
export const REQUESTS_PER_SECOND: number;
export const CONCURRENCY: number;
