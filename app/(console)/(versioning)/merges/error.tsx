'use client';

import { ErrorState } from '@/components/ui';

export default function MergesError({ error }: { error: Error & { digest?: string } }) {
  return (
    <ErrorState
      title="This merge page could not be shown"
      message="Something went wrong while loading it. Try again, or tell an administrator the reference below."
      requestId={error.digest}
    />
  );
}
