import { Badge } from '@/components/ui';

const TONES = { pending: 'yellow', approved: 'green', rejected: 'red', cancelled: 'neutral' } as const;
const LABELS: Record<string, string> = {
  pending: 'Pending',
  approved: 'Approved',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status as keyof typeof TONES] ?? 'neutral'}>{LABELS[status] ?? status}</Badge>;
}
