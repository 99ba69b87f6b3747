'use client';

import { ErrorState } from '@/components/ui';

export default function AuditError({ error }: { error: Error & { digest?: string } }) {
  return (
    <ErrorState
      title="The audit log could not be shown"
      message="Something went wrong while searching it. Try again, or tell an administrator the reference below."
      requestId={error.digest}
    />
  );
}
