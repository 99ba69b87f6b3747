'use client';

import { ActionForm, DateField, TextAreaField } from '@/components/form';
import { decideAction } from '../actions';

/** Approve (optionally until a date) or reject with a comment. The pressed button is the decision. */
export function DecideForm({ id }: { id: string }) {
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
      <ActionForm action={decideAction} submitLabel="Approve">
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="decision" value="approve" />
        <DateField
          name="expiresAt"
          id="approve-until"

          label="Access until (optional)"
          description="The grant expires by itself after this day."
        />
        <TextAreaField name="comment" id="approve-comment" label="Comment (optional)" maxLength={2000} rows={2} />
      </ActionForm>
      <ActionForm action={decideAction} submitLabel="Reject" submitVariant="danger">
        <input type="hidden" name="id" value={id} />
        <input type="hidden" name="decision" value="reject" />
        <TextAreaField
          name="comment"
          id="reject-comment"
          label="Why is it rejected?"
          required
          maxLength={2000}
          rows={2}
        />
      </ActionForm>
    </div>
  );
}
