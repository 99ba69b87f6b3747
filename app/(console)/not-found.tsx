import { EmptyState } from '@/components/ui';

export default function NotFound() {
  return <EmptyState title="Not found" description="This object does not exist, or you do not have access to it." />;
}
