export function buildInputs(root: string): string[];
export function sourceFingerprint(root?: string): string;
export function rebuildReason(root?: string, distDir?: string): string | null;
