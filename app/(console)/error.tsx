'use client';

import { ErrorState } from '@/components/ui';

export default function ConsoleError({ error }: { error: Error & { digest?: string } }) {
  return (
    <ErrorState
      title="This page could not be shown"
      message="Something went wrong while loading it. Try again, or tell an administrator the reference below."
      requestId={error.digest}
    />
  );
}
