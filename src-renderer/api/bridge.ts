/** The object the Electron preload exposes with contextBridge. Absent in a plain browser. */
export interface CompanionBridge {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, cb: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    companion?: CompanionBridge;
  }
}

export function electronBridge(): CompanionBridge | undefined {
  return typeof window !== 'undefined' ? window.companion : undefined;
}
