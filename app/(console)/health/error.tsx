'use client';

import { ErrorState } from '@/components/ui';

export default function HealthError({ error }: { error: Error & { digest?: string } }) {
  return (
    <ErrorState
      title="The health page could not be shown"
      message="Each check normally reports its own failure on its tile; this error came from outside them (the database may be unreachable). Try again shortly."
      requestId={error.digest}
    />
  );
}
