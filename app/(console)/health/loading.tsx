import { LoadingState } from '@/components/ui';

export default function Loading() {
  return <LoadingState label="Running the health checks…" rows={6} />;
}
