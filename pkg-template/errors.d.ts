// Error classes of daily-dialin (see errors.js). Shared by every entry's declarations.
import type { Issue } from './web.js';

/** Base class of every error daily-dialin throws. `instanceof` works across the ESM and CommonJS copies. */
export declare class DailyDialinError extends Error {
  constructor(message?: string, props?: { cause?: unknown });
  /** Plain data for logs: the name, the message and the class's own fields. Never holds secrets. */
  toJSON(): { name: string; message: string; [field: string]: unknown };
}

/** A request body, query, id or option was refused; `issues` lists every problem found (errors and warnings). */
export declare class ValidationError extends DailyDialinError {
  constructor(message?: string, props?: { issues?: Issue[]; cause?: unknown });
  issues: Issue[];
  toJSON(): { name: string; message: string; issues: Issue[] };
}
