/** The object the Electron preload exposes with contextBridge (src-shared/bridge.ts). Absent in a plain browser. */
import type { CompanionBridge } from '../../src-shared/bridge';

export type { CompanionBridge };

declare global {
  interface Window {
    companion?: CompanionBridge;
  }
}

export function electronBridge(): CompanionBridge | undefined {
  return typeof window !== 'undefined' ? window.companion : undefined;
}
