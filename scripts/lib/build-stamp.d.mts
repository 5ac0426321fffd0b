// Types of build-stamp.mjs (a plain-JS launcher helper), for its test and TypeScript callers.
export function inputFiles(root: string): string[];
export function sourceStamp(root: string): string;
export function buildIsCurrent(root: string, stamp?: string): boolean;
export function writeStamp(root: string, stamp: string): void;
