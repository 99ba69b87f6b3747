import { ConfirmButton } from '@/components/confirm-button';
import { cancelBackendAction, terminateBackendAction } from './actions';

/** Cancel / terminate for one session of the console's database, each confirmed first. */
export function BackendButtons({ pid, cancel = true }: { pid: number; cancel?: boolean }) {
  return (
    <div className="flex flex-wrap gap-1">
      {cancel ? (
        <ConfirmButton
          action={cancelBackendAction}
          hidden={{ pid: String(pid) }}
          label="Cancel"
          title={`Cancel the statement of backend ${pid}?`}
          confirmText="PostgreSQL stops the statement it is running (pg_cancel_backend); the session stays connected and its client sees an error. This is recorded in the audit log."
          confirmLabel="Cancel statement"
          variant="secondary"
        />
      ) : null}
      <ConfirmButton
        action={terminateBackendAction}
        hidden={{ pid: String(pid) }}
        label="Terminate"
        title={`Terminate backend ${pid}?`}
        confirmText="PostgreSQL ends the whole session (pg_terminate_backend): its open transaction is rolled back and its client is disconnected. This is recorded in the audit log."
        confirmLabel="Terminate session"
      />
    </div>
  );
}
