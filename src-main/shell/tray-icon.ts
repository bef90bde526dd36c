/**
 * The tray icon drawn in code (no binary asset to ship): a ring with a dot, BGRA pixels for
 * `nativeImage.createFromBitmap`. A paused runner is drawn hollow, pending proposals add a badge.
 */
export function trayIconBitmap(size: number, state: { paused: boolean; badge: boolean }): Buffer {
  const buf = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  const outer = size / 2 - 0.5;
  const ring = Math.max(1.2, size / 9);
  const dot = size / 5;
  const badgeR = size / 5;
  const bx = size - badgeR - 0.5;
  const by = badgeR + 0.5;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d = Math.hypot(x - c, y - c);
      let a = 0;
      let rgb: [number, number, number] = [0x6c, 0x8c, 0xff];
      if (d <= outer && d >= outer - ring) a = 255;
      else if (!state.paused && d <= dot) a = 255;
      if (state.badge && Math.hypot(x - bx, y - by) <= badgeR) {
        a = 255;
        rgb = [0xff, 0x8a, 0x3d];
      }
      const i = (y * size + x) * 4;
      buf[i] = rgb[2];
      buf[i + 1] = rgb[1];
      buf[i + 2] = rgb[0];
      buf[i + 3] = a;
    }
  }
  return buf;
}
