import type { DetectorSource, PhiType } from './types.js';

/** A span proposed by one source, before overlapping proposals are merged. */
export interface Candidate {
  start: number;
  end: number;
  type: PhiType;
  source: DetectorSource;
  /** An evasion undone or an explicit label: never vetoed by the tagger. */
  certain?: boolean;
}
