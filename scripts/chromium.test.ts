/** Where npm test looks for a browser on each OS (what the CI runners of macOS and Windows have). */
import { describe, expect, it } from 'vitest';
import { chromiumCandidates, howToGetChromium } from './chromium.mjs';

describe('chromium discovery', () => {
  it('finds Chrome and Edge where Windows installs them', () => {
    const env = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' };
    const candidates = chromiumCandidates('win32', env).map((p) => p.split('\\').join('/'));
    expect(candidates).toContain('C:/Program Files/Google/Chrome/Application/chrome.exe');
    expect(candidates).toContain('C:/Users/me/AppData/Local/Google/Chrome/Application/chrome.exe');
    expect(candidates).toContain('C:/Program Files (x86)/Microsoft/Edge/Application/msedge.exe');
    // Chrome before Edge: the browser the tests are written against comes first
    expect(candidates.findIndex((p) => p.includes('chrome.exe'))).toBeLessThan(candidates.findIndex((p) => p.includes('msedge.exe')));
  });

  it('finds Chrome in /Applications on macOS', () => {
    expect(chromiumCandidates('darwin', {})).toContain('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome');
  });

  it('finds Debian chromium and Google Chrome on Linux', () => {
    expect(chromiumCandidates('linux', {}).slice(0, 1)).toEqual(['/usr/bin/chromium']);
    expect(chromiumCandidates('linux', {})).toContain('/usr/bin/google-chrome');
  });

  it('says how to get one in the words of each OS', () => {
    expect(howToGetChromium('linux')).toMatch(/apt-get install chromium/);
    expect(howToGetChromium('darwin')).toMatch(/Google Chrome/);
    expect(howToGetChromium('win32')).toMatch(/Microsoft Edge/);
    for (const os of ['linux', 'darwin', 'win32'] as const) expect(howToGetChromium(os)).toMatch(/CHROMIUM_PATH/);
  });
});
