import { dismissToast, useToasts } from './toasts';

export function Toaster() {
  const toasts = useToasts();
  return (
    <section className="toaster" aria-label="Notifications">
      {/* Two live regions: errors interrupt, news waits for a pause. */}
      <div role="alert">
        {toasts
          .filter((t) => t.kind === 'error')
          .map((t) => (
            <ToastView key={t.id} toast={t} />
          ))}
      </div>
      <div role="status">
        {toasts
          .filter((t) => t.kind === 'info')
          .map((t) => (
            <ToastView key={t.id} toast={t} />
          ))}
      </div>
    </section>
  );
}

function ToastView({ toast }: { toast: ReturnType<typeof useToasts>[number] }) {
  return (
    <div className={`toast toast-${toast.kind}`}>
      <div className="toast-text">
        <strong>{toast.title}</strong>
        {toast.body && <span>{toast.body}</span>}
        {toast.link && (
          <a href={toast.link.href} onClick={() => dismissToast(toast.id)}>
            {toast.link.label}
          </a>
        )}
      </div>
      <button type="button" className="icon-button" aria-label="Dismiss notification" onClick={() => dismissToast(toast.id)}>
        ×
      </button>
    </div>
  );
}
