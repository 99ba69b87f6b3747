export const RESULT_TONES = { success: 'green', failure: 'yellow', denied: 'red' } as const;
export const RESULT_LABELS: Record<string, string> = { success: 'Success', failure: 'Failure', denied: 'Denied' };
